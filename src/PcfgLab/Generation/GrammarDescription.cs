using System.Text.Json;
using System.Text.Json.Serialization;
using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Generation;

/// <summary>What <see cref="GrammarDescription.Describe"/> analyses.</summary>
public sealed record GrammarDescriptionRequest
{
    /// <summary>The grammar: a file, a preset or a spec; its seed is also the documents' seed of the floor.</summary>
    public required GrammarSource Source { get; init; }

    /// <summary>Sentences of the entropy-rate estimate (0 skips it unless <see cref="Floor"/>).</summary>
    public int Sentences { get; init; } = EntropyRate.DefaultSentences;

    /// <summary>Also the document-level loss floor of the documents <c>generate --seed S --doc-len L</c> writes.</summary>
    public bool Floor { get; init; }

    /// <summary>Documents of the floor estimate.</summary>
    public int Documents { get; init; } = LossFloor.DefaultDocuments;

    /// <summary>Tokens per document of the floor estimate.</summary>
    public int DocumentLength { get; init; } = DocumentSampler.DefaultDocumentLength;

    /// <summary>Worker threads; the results do not depend on them.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>
/// The front door of <c>pcfglab grammar info</c>: a grammar's analysis (sizes, criticality, termination, expectations,
/// entropy) and its entropy rate (and floor), or why the rate is not defined.
/// </summary>
public sealed class GrammarDescription
{
    private GrammarDescription(string source, GrammarReport report, FloorSummary? floor, string? floorUnavailable)
    {
        Source = source;
        Report = report;
        Floor = floor;
        FloorUnavailable = floorUnavailable;
    }

    /// <summary>The file, or the preset/spec and seed, analysed.</summary>
    public string Source { get; }

    /// <summary>The analysis.</summary>
    public GrammarReport Report { get; }

    /// <summary>The entropy rate, with the document-level floor when asked; null when skipped or not defined.</summary>
    public FloorSummary? Floor { get; }

    /// <summary>Why the entropy rate is not defined ("not defined: ..."), or null.</summary>
    public string? FloorUnavailable { get; }

    /// <summary>
    /// Resolves and analyses the grammar. Never fails for a grammar whose rate is not defined (no finite sentence, a
    /// critical conditioned grammar, token 0 as a word, an empty right-hand side): that is reported in
    /// <see cref="FloorUnavailable"/>, so that any grammar can be described.
    /// </summary>
    /// <exception cref="UserInputException">The source names no grammar, or the options are out of range.</exception>
    public static GrammarDescription Describe(GrammarDescriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resolved = request.Source.Resolve();
        var report = GrammarAnalysis.Analyze(resolved.Grammar);
        var (summary, unavailable) = EntropyRate(resolved.Grammar, report, request);
        return new GrammarDescription(resolved.Description, report, summary, unavailable);
    }

    /// <summary>The JSON document of <c>pcfglab grammar info --json</c>, in <see cref="JsonConvention"/> (enums by name).</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(new GrammarInfoDocument($"{ToolInfo.Name} {ToolInfo.Version}", Source, Report, Floor, FloorUnavailable), GrammarJsonContext.Convention.GrammarInfoDocument);

    private static (FloorSummary? Summary, string? Unavailable) EntropyRate(Grammar grammar, GrammarReport report, GrammarDescriptionRequest request)
    {
        if (request.Sentences == 0 && !request.Floor)
        {
            return (null, null);
        }

        if (request.Floor && request.Documents < 1)
        {
            throw new UserInputException($"--docs must be positive, got {request.Documents}.");
        }

        if (!(report.StartTerminationProbability > 0))
        {
            return (null, "not defined: no finite sentence exists");
        }

        if (report.ConditionedIsCritical)
        {
            return (null, "not defined: the grammar conditioned on finite derivations is critical (infinite expected length)");
        }

        try
        {
            var summary = FloorAnalysis.Analyze(
                CompiledGrammar.Renormalised(grammar), request.Source.Seed.ForStreams, request.DocumentLength, request.Floor ? request.Documents : 0,
                Math.Max(request.Sentences, 2), request.Threads);
            return (summary, null);
        }
        catch (UserInputException ex) when (UndefinedFloorException.IsUndefined(ex))
        {
            return (null, "not defined: " + ex.Message);
        }
    }
}

/// <summary>What <c>pcfglab grammar info --json</c> prints.</summary>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Source">The file, or the preset/spec and seed, analysed.</param>
/// <param name="Report">The analysis.</param>
/// <param name="Floor">The entropy rate, with the document-level floor under --floor; null when skipped or not defined.</param>
/// <param name="FloorUnavailable">Why the entropy rate is not defined, or null.</param>
internal sealed record GrammarInfoDocument(string Tool, string Source, GrammarReport Report, FloorSummary? Floor, string? FloorUnavailable);

[JsonSerializable(typeof(GrammarInfoDocument))]
internal sealed partial class GrammarJsonContext : JsonSerializerContext
{
    /// <summary>The context in <see cref="JsonConvention"/>, criticality written by name.</summary>
    public static GrammarJsonContext Convention { get; } = new(WithEnumNames());

    private static JsonSerializerOptions WithEnumNames()
    {
        var options = JsonConvention.Document();
        options.Converters.Add(new JsonStringEnumConverter<Criticality>());
        return options;
    }
}
