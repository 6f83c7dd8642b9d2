using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Base;

/// <summary>
/// The one JSON convention of every file PcfgLab writes and every <c>--json</c> document it prints: camelCase names,
/// NaN and infinities as named literals (a reader of a damaged fit still parses it), and relaxed escaping, so that
/// versions read "0.1.0+abc", not "0.1.0\u002Babc" (the output is a file or a terminal, never HTML). Source-generated
/// contexts take these options through their constructor; each call returns a new instance because a context takes
/// ownership of its options.
/// </summary>
public static class JsonConvention
{
    /// <summary>An indented document (a file or a <c>--json</c> document); nulls are written unless <paramref name="omitNulls"/>.</summary>
    public static JsonSerializerOptions Document(bool omitNulls = false) => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = omitNulls ? JsonIgnoreCondition.WhenWritingNull : JsonIgnoreCondition.Never,
    };

    /// <summary>
    /// Options for <see cref="System.Text.Json.Nodes.JsonNode.ToJsonString(JsonSerializerOptions?)"/> of a hand-built
    /// node: indented or compact, relaxed escaping (a node's names are its own, not renamed).
    /// </summary>
    public static JsonSerializerOptions Node(bool indented = true) => indented ? IndentedNode : CompactNode;

    private static readonly JsonSerializerOptions IndentedNode = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions CompactNode = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
