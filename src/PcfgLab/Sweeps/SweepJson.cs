using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Sweeps;

/// <summary>
/// Source-generated JSON for plans, run records and failures (one object per line, compact): the wire format shared
/// with the Python adapter and committed in <c>results/</c>, so not <see cref="Base.JsonConvention"/>'s document style
/// (indented, relaxed escaping): moving it there would rewrite the bytes of every committed record and plan line
/// (the tool version's <c>+</c> is written <c>\u002B</c> in them).
/// </summary>
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
