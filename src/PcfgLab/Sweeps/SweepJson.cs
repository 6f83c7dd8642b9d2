using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>Source-generated JSON for plans, run records and failures (one object per line, compact).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PlanCell))]
[JsonSerializable(typeof(TrainingRecord))]
[JsonSerializable(typeof(TrainingFailure))]
internal sealed partial class SweepJson : JsonSerializerContext
{
    /// <summary>Parses one JSON line, or throws <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static T ParseLine<T>(string line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string file, int lineNumber)
    {
        try
        {
            return JsonSerializer.Deserialize(line, info) ?? throw new InvalidDataException($"{file}:{lineNumber}: empty JSON value.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file}:{lineNumber}: not a valid record ({ex.Message}).", ex);
        }
    }
}
