using System.CommandLine;
using PcfgLab.Compression;
using PcfgLab.Generation;

namespace PcfgLab.Cli.Commands;

/// <summary>
/// The compressibility dial's options, shared by <c>pcfglab generate --target-gzip</c> and
/// <c>pcfglab grammar search</c>. <c>--terminals</c> (a fixed vocabulary) and <c>--seed</c> belong to the command.
/// </summary>
internal sealed class DialCommandOptions
{
    public Option<double?> Target { get; } = new("--target-gzip") { Description = "Search for a grammar whose median gzip compressibility is this (e.g. 0.40)." };

    public Option<double> Tolerance { get; } = new("--tolerance") { Description = "Accepted distance from --target-gzip.", DefaultValueFactory = _ => 0.01 };

    public Option<string> Nonterminals { get; } = new("--nonterminals-range") { Description = "Dial bounds: nonterminals MIN..MAX.", DefaultValueFactory = _ => "1..100" };

    public Option<string> MaxOptions { get; } = new("--max-options-range") { Description = "Dial bounds: maximum options MIN..MAX.", DefaultValueFactory = _ => "1..100" };

    public Option<string> MaxLength { get; } = new("--max-length-range") { Description = "Dial bounds: maximum right-hand-side length MIN..MAX.", DefaultValueFactory = _ => "1..30" };

    public Option<int> Documents { get; } = new("--dial-docs") { Description = "Documents sampled in memory to measure each candidate grammar (grammar search; generate measures each candidate on the dataset's own gzip sample, --gzip-docs and --gzip-seed).", DefaultValueFactory = _ => 500 };

    public Option<int> SeedsPerSpec { get; } = new("--seeds-per-spec") { Description = "Grammar seeds measured per spec before the search moves.", DefaultValueFactory = _ => 3 };

    public Option<int> MaxCandidates { get; } = new("--max-candidates") { Description = "Grammars measured at most before giving up.", DefaultValueFactory = _ => 40 };

    /// <summary>The deflate of every gzip figure the command makes (the dial's and, for generate, the dataset's sample).</summary>
    public Option<string> Deflate { get; } = CreateDeflateOption();

    /// <summary>
    /// <c>--deflate zlib-ng|zlib</c>: System.IO.Compression (zlib-ng, the default) or the system's classic zlib,
    /// whose sizes are byte-identical to Python's <c>gzip.compress</c>.
    /// </summary>
    public static Option<string> CreateDeflateOption()
    {
        var option = new Option<string>("--deflate")
        {
            Description = "Deflate of the gzip measure: zlib-ng (System.IO.Compression, default) or zlib (the system's libz.so.1, byte-identical to Python's gzip).",
            DefaultValueFactory = _ => DeflateImplementations.ZlibNgName,
        };
        option.AcceptOnlyFromAmong(DeflateImplementations.ZlibNgName, DeflateImplementations.ZlibName);
        return option;
    }

    public void AddTo(Command command, bool targetRequired)
    {
        Target.Required = targetRequired;
        foreach (var option in new Option[] { Target, Tolerance, Nonterminals, MaxOptions, MaxLength, Documents, SeedsPerSpec, MaxCandidates, Deflate })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The <c>--deflate</c> given (zlib-ng when absent).</summary>
    public DeflateImplementation ReadDeflate(ParseResult parse) => DeflateImplementations.Parse(parse.GetValue(Deflate)!);

    /// <summary>
    /// The dial's options from the command line, or null when no target was given. <paramref name="datasetSample"/>
    /// is the gzip sample of the dataset the grammar will make (generate), so candidates are measured on it.
    /// </summary>
    public DialOptions? Read(ParseResult parse, int? terminals, Seed seed, int documentLength, DialSample? datasetSample = null)
    {
        if (parse.GetValue(Target) is not { } target)
        {
            return null;
        }

        var documents = parse.GetValue(Documents);
        if (documents < 1 || parse.GetValue(SeedsPerSpec) < 1 || parse.GetValue(MaxCandidates) < 2)
        {
            throw new UserInputException("--dial-docs and --seeds-per-spec must be positive and --max-candidates at least 2.");
        }

        var options = new DialOptions
        {
            Target = target,
            Tolerance = parse.GetValue(Tolerance),
            DocumentsPerCandidate = documents,
            DocumentLength = documentLength,
            Seed = seed,
            SeedsPerSpec = parse.GetValue(SeedsPerSpec),
            MaxCandidates = parse.GetValue(MaxCandidates),
            DatasetSample = datasetSample,
            Deflate = ReadDeflate(parse),
            Bounds = new DialBounds
            {
                Terminals = terminals,
                Nonterminals = DialBounds.ParseRange(parse.GetValue(Nonterminals)!, "nonterminals-range"),
                MaxOptions = DialBounds.ParseRange(parse.GetValue(MaxOptions)!, "max-options-range"),
                MaxLength = DialBounds.ParseRange(parse.GetValue(MaxLength)!, "max-length-range"),
            },
        };
        options.Bounds.Validate();
        return options;
    }
}
