using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Cli.Commands;

/// <summary>The options every <c>--json</c> document is written with.</summary>
internal static class CliJsonOptions
{
    /// <summary>
    /// Indented camelCase JSON, NaN and infinities as named literals, and relaxed escaping so that versions read
    /// "0.1.0+abc", not "0.1.0\u002Babc". A new instance each call: a source-generated context takes its own.
    /// </summary>
    public static JsonSerializerOptions Relaxed() => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
