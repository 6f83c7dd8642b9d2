using System.Text.Json.Serialization;

namespace PcfgLab.Cli.Commands;

/// <summary>Source-generated JSON for the commands' <c>--json</c> output.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanSummary))]
[JsonSerializable(typeof(PcfgLab.Storage.ExportEntry))]
internal sealed partial class SweepCliJson : JsonSerializerContext;
