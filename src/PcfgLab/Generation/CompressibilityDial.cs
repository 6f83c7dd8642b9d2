using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PcfgLab.Compression;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Bounds on the grammar specs the dial may try. Each field range clamps the spec the ladder proposes;
/// <see cref="Terminals"/> fixes the vocabulary size.
/// </summary>
public sealed record DialBounds
{
    /// <summary>Fixed number of terminals (vocabulary), or null to follow the ladder (20 to 2000).</summary>
    public int? Terminals { get; init; }

    /// <summary>Smallest and largest number of nonterminals.</summary>
    public (int Min, int Max) Nonterminals { get; init; } = (1, 100);

    /// <summary>Smallest and largest maximum options per nonterminal.</summary>
    public (int Min, int Max) MaxOptions { get; init; } = (1, 100);

    /// <summary>Smallest and largest maximum right-hand-side length.</summary>
    public (int Min, int Max) MaxLength { get; init; } = (1, 30);

    /// <summary>Throws <see cref="UserInputException"/> when a range is empty or not positive.</summary>
    public void Validate()
    {
        Check(Nonterminals, "nonterminals-range");
        Check(MaxOptions, "max-options-range");
        Check(MaxLength, "max-length-range");
        if (Terminals is < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Terminals")} must be positive, got {Terminals}.");
        }

        static void Check((int Min, int Max) range, string name)
        {
            if (range.Min < 1 || range.Max < range.Min)
            {
                throw new UserInputException($"--{name} must be MIN..MAX with 1 <= MIN <= MAX, got {range.Min}..{range.Max}.");
            }
        }
    }

    /// <summary>Clamps <paramref name="spec"/> into the bounds.</summary>
    public GrammarSpec Clamp(GrammarSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new GrammarSpec(
            Math.Clamp(spec.Nonterminals, Nonterminals.Min, Nonterminals.Max),
            Terminals ?? spec.Terminals,
            Math.Clamp(spec.MaxOptions, MaxOptions.Min, MaxOptions.Max),
            Math.Clamp(spec.MaxLength, MaxLength.Min, MaxLength.Max));
    }

    /// <summary>Parses <c>MIN..MAX</c> (or a single number) into a range.</summary>
    public static (int Min, int Max) ParseRange(string text, string optionName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
        {
            return (min, max);
        }

        throw new UserInputException($"--{optionName} must be MIN..MAX (for example 10..50), got '{text}'.");
    }
}

/// <summary>What the dial searches for and how hard.</summary>
public sealed record DialOptions
{
    /// <summary>Target median gzip ratio.</summary>
    public required double Target { get; init; }

    /// <summary>Accepted distance between the measured median and the target.</summary>
    public double Tolerance { get; init; } = 0.01;

    /// <summary>Spec bounds.</summary>
    public DialBounds Bounds { get; init; } = new();

    /// <summary>Documents sampled (never written) to measure each candidate.</summary>
    public int DocumentsPerCandidate { get; init; } = 500;

    /// <summary>Tokens per document.</summary>
    public int DocumentLength { get; init; } = DocumentSampler.DefaultDocumentLength;

    /// <summary>Search seed: grammar seeds tried for a spec are Seed, Seed + 1, ...; documents use it too.</summary>
    public Seed Seed { get; init; } = new(1);

    /// <summary>Grammar seeds measured per spec before the search moves on.</summary>
    public int SeedsPerSpec { get; init; } = 3;

    /// <summary>Candidates measured at most (rejected grammars, cheap to detect, are not counted).</summary>
    public int MaxCandidates { get; init; } = 40;

    /// <summary>
    /// The gzip sample of the dataset the chosen grammar will make, or null to measure documents 0..n-1. When set,
    /// every candidate is measured on exactly the documents that <c>pcfglab gzip DATASET</c> (and the manifest)
    /// will measure, so the tolerance holds for that figure and not only for the dial's own sample.
    /// </summary>
    public DialSample? DatasetSample { get; init; }

    /// <summary>Deflate implementation of the measure (the dataset's figures should use the same).</summary>
    public DeflateImplementation Deflate { get; init; } = DeflateImplementation.ZlibNg;

    /// <summary>
    /// The search stops early only within this fraction of <see cref="Tolerance"/> of the target: a grammar that just
    /// made the band is kept as a fallback while the search goes on for one nearer the target.
    /// </summary>
    public double AimFraction { get; init; } = 0.5;
}

/// <summary>A dataset's seeded gzip sample (see <see cref="GzipSample.ChooseDocuments"/>).</summary>
/// <param name="Population">Documents in the dataset.</param>
/// <param name="Documents">Documents in the sample.</param>
/// <param name="Seed">Seed of the sample.</param>
public sealed record DialSample(long Population, int Documents, ulong Seed)
{
    /// <summary>
    /// The gzip sample a dataset of <paramref name="tokens"/> tokens will be measured on (its manifest's, and
    /// <c>pcfglab gzip DATASET</c>'s with the same --docs and --seed): the dial measures its candidates on these
    /// documents, so its tolerance holds for that figure.
    /// </summary>
    /// <exception cref="UserInputException"><paramref name="gzipDocuments"/> is not positive.</exception>
    public static DialSample ForDataset(long tokens, int documentLength, int gzipDocuments, ulong gzipSeed)
    {
        if (gzipDocuments < 1)
        {
            throw new UserInputException($"--gzip-docs must be positive, got {gzipDocuments}.");
        }

        return new DialSample((tokens + documentLength - 1) / documentLength, gzipDocuments, gzipSeed);
    }
}

/// <summary>One grammar the dial tried.</summary>
/// <param name="Spec">Its spec.</param>
/// <param name="GrammarSeed">Its seed.</param>
/// <param name="Position">Position on the ladder (0 = (2,10,2,2), 1 = (3,20,2,2) .. 6 = (100,2000,100,30)).</param>
/// <param name="Median">Median gzip ratio of the sampled documents, or null when rejected.</param>
/// <param name="Status"><c>measured</c>, or why it was rejected: <c>supercritical</c>, <c>critical</c> or <c>inconsistent</c> (see <see cref="CompressibilityDial.Classify"/>).</param>
/// <param name="Seconds">Time spent on it.</param>
public sealed record DialCandidate(GrammarSpec Spec, Seed GrammarSeed, double Position, double? Median, string Status, double Seconds)
{
    /// <summary>One line for logs: spec, seed, median.</summary>
    public override string ToString() => Median is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{Spec} seed {GrammarSeed}: median {m:F4} ({Seconds:F2} s)")
        : string.Create(CultureInfo.InvariantCulture, $"{Spec} seed {GrammarSeed}: rejected, {Status}");
}

/// <summary>The grammar the dial found and how it got there.</summary>
/// <param name="Grammar">The chosen grammar (consistent and subcritical).</param>
/// <param name="GrammarSeed">Its seed.</param>
/// <param name="Median">Its measured median gzip ratio.</param>
/// <param name="Target">The target.</param>
/// <param name="Tolerance">The tolerance.</param>
/// <param name="Path">Every candidate, in order.</param>
/// <param name="Seconds">Search time.</param>
public sealed record DialResult(Grammar Grammar, Seed GrammarSeed, double Median, double Target, double Tolerance, IReadOnlyList<DialCandidate> Path, double Seconds)
{
    /// <summary>The chosen spec.</summary>
    public GrammarSpec Spec => Grammar.Origin!.Spec;
}

/// <summary>
/// Finds a random grammar whose median gzip compressibility hits a target. The study observed that the median
/// rises with the spec's size along its six presets, so specs are placed on a continuous ladder through them
/// (each field interpolated geometrically between neighbouring presets, clamped to the bounds); the search
/// measures both ends (which gives the reachable range), then narrows a bracket by interpolation (regula falsi,
/// with bisection every third step), measuring a few grammar seeds per spec because seeds of one spec differ by
/// 0.01 to 0.04. Only consistent (q_S = 1), subcritical grammars are measured, on documents sampled in memory.
/// Deterministic for a seed.
/// </summary>
public static class CompressibilityDial
{
    // Seeds tried at a spec before it counts as giving no usable grammar, when probing the top of the ladder.
    private const int ProbeRejections = 4;

    // Seeds tried at the bottom of the ladder before giving up (small grammars are sometimes critical).
    private const int MaxRejectedSeedsAtEnds = 12;

    /// <summary>
    /// The ladder's rungs, by increasing median gzip: (2,10,2,2) (medians 0.07 to 0.10 over seeds 1-5), added so that
    /// targets near 0.10 lie inside the range, then the study's six presets (0.11 to 0.61).
    /// </summary>
    public static IReadOnlyList<GrammarSpec> Ladder { get; } =
    [
        new(2, 10, 2, 2),
        .. GrammarPresets.Study.Select(p => p.Spec),
    ];

    /// <summary>Spec at ladder position <paramref name="position"/> (0..6), before clamping to bounds.</summary>
    public static GrammarSpec SpecAt(double position)
    {
        var x = Math.Clamp(position, 0, Ladder.Count - 1);
        var lower = Math.Min((int)Math.Floor(x), Ladder.Count - 2);
        var t = x - lower;
        var a = Ladder[lower];
        var b = Ladder[lower + 1];
        return new GrammarSpec(
            Interpolate(a.Nonterminals, b.Nonterminals, t),
            Interpolate(a.Terminals, b.Terminals, t),
            Interpolate(a.MaxOptions, b.MaxOptions, t),
            Interpolate(a.MaxLength, b.MaxLength, t));

        static int Interpolate(int from, int to, double t) =>
            (int)Math.Round(from * Math.Pow((double)to / from, t), MidpointRounding.AwayFromZero);
    }

    /// <summary>Runs the search, logging its target, each candidate and its choice on <paramref name="logger"/>.</summary>
    /// <param name="options">Target, bounds and sample.</param>
    /// <param name="logger">Receives one line per candidate.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    public static DialResult Search(DialOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        // Refused before the first log line, so that bad options are the one line of the error alone.
        Validate(options);
        logger.LogInformation("dial: searching for median gzip {Target} +/- {Tolerance} ({Documents}, deflate {Deflate})",
            options.Target.ToString("0.000", CultureInfo.InvariantCulture), options.Tolerance.ToString("0.000", CultureInfo.InvariantCulture),
            options.DatasetSample is { } sample
                ? string.Create(CultureInfo.InvariantCulture, $"the dataset's gzip sample of {Math.Min(sample.Documents, sample.Population)} documents, seed {sample.Seed}")
                : string.Create(CultureInfo.InvariantCulture, $"{options.DocumentsPerCandidate} documents per candidate"),
            options.Deflate.Name());
        var result = Run(options, candidate => logger.LogInformation("dial: {Candidate}", candidate.ToString()), cancellationToken);
        logger.LogInformation("dial: chose {Spec} seed {Seed}, median {Median} after {Count} candidates in {Seconds} s",
            result.Spec.ToString(), result.GrammarSeed, result.Median.ToString("0.0000", CultureInfo.InvariantCulture), result.Path.Count, result.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        return result;
    }

    /// <summary>Searches for the grammar; reports each candidate to <paramref name="onCandidate"/> as it is measured.</summary>
    /// <exception cref="UserInputException">The options are impossible (a negative seed, a target or tolerance out of range), the target is outside what the bounds reach, or no candidate came within the tolerance.</exception>
    public static DialResult Search(DialOptions options, Action<DialCandidate>? onCandidate = null, CancellationToken cancellationToken = default)
    {
        Validate(options);
        return Run(options, onCandidate, cancellationToken);
    }

    private static void Validate(DialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Bounds.Validate();
        options.Seed.ThrowIfNegative("Seed");
        if (!(options.Target > 0 && options.Target < 1.5))
        {
            throw UserInputException.ForParameters($"{new Parameter("DialOptions.Target")} must be a ratio between 0 and 1.5, got {options.Target}.");
        }

        if (!(options.Tolerance > 0))
        {
            throw UserInputException.ForParameters($"{new Parameter("Tolerance")} must be positive.");
        }

        if (!(options.AimFraction > 0 && options.AimFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AimFraction, "AimFraction must be in (0, 1].");
        }
    }

    private static DialResult Run(DialOptions options, Action<DialCandidate>? onCandidate, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var search = new SearchState(options, onCandidate, cancellationToken);
        // One seed per end is enough to bound the range; the interior gets several.
        var low = search.Evaluate(0, MaxRejectedSeedsAtEnds, seeds: 1);
        if (search.Aimed)
        {
            return search.Result(stopwatch);
        }

        // The top of the ladder may give no usable grammar under the bounds (with 300 terminals, (100,300,100,30)
        // is always supercritical): bisect for the highest position that gives one.
        double top = Ladder.Count - 1;
        var high = search.Evaluate(top, ProbeRejections, seeds: 1);
        if (double.IsNaN(high) && !search.Aimed && !double.IsNaN(low))
        {
            double usable = 0, unusable = top;
            high = low;
            top = 0;
            for (var i = 0; i < 6 && !search.Aimed; i++)
            {
                var middle = (usable + unusable) / 2;
                var m = search.Evaluate(middle, ProbeRejections, seeds: 1);
                if (double.IsNaN(m))
                {
                    unusable = middle;
                }
                else
                {
                    (usable, top, high) = (middle, middle, m);
                }
            }
        }

        if (search.Aimed)
        {
            return search.Result(stopwatch);
        }

        if (double.IsNaN(low) || double.IsNaN(high))
        {
            throw new UserInputException("no spec within the bounds gave a consistent, subcritical grammar; widen the bounds.");
        }

        if (options.Target < low - options.Tolerance || options.Target > high + options.Tolerance)
        {
            throw new UserInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"target {options.Target:F3} is outside what these bounds reach (medians {low:F3} at {options.Bounds.Clamp(SpecAt(0))} to {high:F3} at {options.Bounds.Clamp(SpecAt(top))}); choose a target in that range or widen the bounds."));
        }

        double xl = 0, ml = low, xh = top, mh = high;
        var step = 0;
        while (!search.Aimed && search.Count < options.MaxCandidates)
        {
            step++;
            double x;
            if (step % 3 == 0 || !(mh > ml))
            {
                x = (xl + xh) / 2;
            }
            else
            {
                x = xl + ((options.Target - ml) / (mh - ml) * (xh - xl));
                var margin = (xh - xl) * 0.05;
                x = Math.Clamp(x, xl + margin, xh - margin);
            }

            var m = search.Evaluate(x);
            if (double.IsNaN(m))
            {
                // No usable grammar there: such specs sit at the supercritical, high end.
                xh = x;
            }
            else if (m < options.Target)
            {
                (xl, ml) = (x, m);
            }
            else
            {
                (xh, mh) = (x, m);
            }
        }

        if (!search.Hit)
        {
            var best = search.Best!;
            throw UserInputException.ForParameters(
                $"no grammar came within {options.Tolerance:F3} of {options.Target:F3} in {search.Count} candidates (closest: {best}); raise {new Parameter("Tolerance")} or {new Parameter("MaxCandidates")}, or try another {new Parameter("Seed")}.");
        }

        return search.Result(stopwatch);
    }

    /// <summary>
    /// Median gzip ratio of <paramref name="documents"/> documents of <paramref name="grammar"/> sampled with
    /// <paramref name="seed"/> (documents 0..n-1 of the dataset that seed would generate), without writing files.
    /// </summary>
    public static double MeasureMedian(Grammar grammar, int documents, int documentLength, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(documents, 1);
        var indices = new long[documents];
        for (var d = 0; d < documents; d++)
        {
            indices[d] = d;
        }

        return MeasureMedian(grammar, indices, documentLength, seed, DeflateImplementation.ZlibNg);
    }

    /// <summary>
    /// Median gzip ratio (deflate <paramref name="deflate"/>) of the documents <paramref name="indices"/> of the
    /// dataset that <paramref name="grammar"/> and <paramref name="seed"/> would generate, without writing files:
    /// with a dataset's gzip sample as indices this is the median its manifest and <c>pcfglab gzip</c> report.
    /// </summary>
    public static double MeasureMedian(Grammar grammar, IReadOnlyList<long> indices, int documentLength, ulong seed, DeflateImplementation deflate)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfZero(indices.Count);
        var sampler = new DocumentSampler(CompiledGrammar.Renormalised(grammar), seed, documentLength);
        var gzip = new GzipCompressibility(GzipCompressibility.StudyLevel, deflate);
        var document = new int[documentLength];
        var ratios = new double[indices.Count];
        for (var d = 0; d < ratios.Length; d++)
        {
            sampler.SampleDocument(indices[d], document);
            ratios[d] = gzip.Ratio(document);
        }

        Array.Sort(ratios);
        return SummaryStatistics.Percentile(ratios, 50);
    }

    /// <summary>
    /// <c>measured</c> when <paramref name="grammar"/> is subcritical and consistent (q_S = 1), as
    /// <see cref="GrammarAnalysis"/> finds it; otherwise why it is rejected: <c>supercritical</c> (spectral radius
    /// above 1, q_S &lt; 1: the reference would retry sentences forever), <c>critical</c> (spectral radius 1: sentence
    /// lengths have no finite mean) or <c>inconsistent</c> (q_S &lt; 1).
    /// </summary>
    public static string Classify(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var report = GrammarAnalysis.Analyze(grammar);
        return report.Criticality switch
        {
            Criticality.Supercritical => "supercritical",
            Criticality.Critical => "critical",
            _ => report.IsConsistent ? "measured" : "inconsistent",
        };
    }

    private sealed class SearchState(DialOptions options, Action<DialCandidate>? onCandidate, CancellationToken cancellationToken)
    {
        private const int MaxRejectedSeeds = 12;
        private readonly List<DialCandidate> _path = [];
        private readonly Dictionary<GrammarSpec, long> _nextSeed = [];
        private readonly Dictionary<GrammarSpec, List<double>> _medians = [];
        private readonly long[] _documents = DocumentIndices(options);
        private Grammar? _bestGrammar;

        public DialCandidate? Best { get; private set; }

        /// <summary>The best grammar so far is within the tolerance: an acceptable result.</summary>
        public bool Hit => Best?.Median is { } m && Math.Abs(m - options.Target) <= options.Tolerance;

        /// <summary>The best grammar so far is near enough the target to stop searching.</summary>
        public bool Aimed => Best?.Median is { } m && Math.Abs(m - options.Target) <= options.Tolerance * options.AimFraction;

        /// <summary>Candidates measured (rejected ones are cheap and not counted).</summary>
        public int Count { get; private set; }

        /// <summary>
        /// Measures up to SeedsPerSpec new seeds of the spec at <paramref name="position"/>; returns the mean median of
        /// the spec's seeds so far, or NaN when <paramref name="maxRejections"/> seeds in a row gave no usable grammar.
        /// </summary>
        public double Evaluate(double position, int maxRejections = MaxRejectedSeeds, int? seeds = null)
        {
            var spec = options.Bounds.Clamp(SpecAt(position));
            var medians = _medians.TryGetValue(spec, out var list) ? list : _medians[spec] = [];
            var measuredHere = 0;
            var rejected = 0;
            while (measuredHere < (seeds ?? options.SeedsPerSpec) && !Aimed && Count < options.MaxCandidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var seed = _nextSeed.GetValueOrDefault(spec, options.Seed.Value);
                _nextSeed[spec] = seed + 1;
                var watch = Stopwatch.StartNew();
                var grammar = RandomGrammarBuilder.Build(spec, seed);
                var status = Classify(grammar);
                double? median = status == "measured"
                    ? MeasureMedian(grammar, _documents, options.DocumentLength, options.Seed.ForStreams, options.Deflate)
                    : null;
                var candidate = new DialCandidate(spec, new Seed(seed), position, median, status, watch.Elapsed.TotalSeconds);
                _path.Add(candidate);
                onCandidate?.Invoke(candidate);
                if (median is not { } m)
                {
                    if (++rejected >= maxRejections && medians.Count == 0)
                    {
                        break;
                    }

                    continue;
                }

                measuredHere++;
                Count++;
                medians.Add(m);
                if (Best?.Median is not { } best || Math.Abs(m - options.Target) < Math.Abs(best - options.Target))
                {
                    Best = candidate;
                    _bestGrammar = grammar;
                }
            }

            return medians.Count == 0 ? double.NaN : medians.Average();
        }

        private static long[] DocumentIndices(DialOptions options)
        {
            if (options.DatasetSample is { } sample)
            {
                return GzipSample.ChooseDocuments(sample.Population, sample.Documents, sample.Seed);
            }

            var indices = new long[options.DocumentsPerCandidate];
            for (var d = 0; d < indices.Length; d++)
            {
                indices[d] = d;
            }

            return indices;
        }

        public DialResult Result(Stopwatch stopwatch) =>
            new(_bestGrammar!, Best!.GrammarSeed, Best.Median!.Value, options.Target, options.Tolerance, _path, stopwatch.Elapsed.TotalSeconds);
    }
}

/// <summary>The manifest's record of a dial search (<see cref="DialEntry"/>, a Storage type) made from its result.</summary>
public static class DialEntries
{
    /// <summary>The entry of a search result made with <paramref name="options"/>.</summary>
    public static DialEntry ToEntry(this DialResult result, DialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var documents = options.DatasetSample is { } sample ? (int)Math.Min(sample.Documents, sample.Population) : options.DocumentsPerCandidate;
        return result.ToEntry(documents) with
        {
            Deflate = options.Deflate.Name(),
            Measure = options.DatasetSample is null ? "first-documents" : "dataset-sample",
        };
    }

    /// <summary>The entry of a search result.</summary>
    public static DialEntry ToEntry(this DialResult result, int documentsPerCandidate)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new DialEntry(
            result.Target,
            result.Tolerance,
            result.Median,
            result.Spec.ToString(),
            result.GrammarSeed,
            documentsPerCandidate,
            result.Seconds,
            [.. result.Path.Select(c => new DialCandidateEntry(c.Spec.ToString(), c.GrammarSeed, c.Median, c.Status))]);
    }
}

