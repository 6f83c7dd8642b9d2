using System.Text.Json.Serialization;

namespace PcfgLab.Cli.Commands;

/// <summary>Source-generated JSON for the commands' <c>--json</c> output.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PlanSummary))]
internal sealed partial class SweepCliJson : JsonSerializerContext;
