using System.Globalization;
using MathNet.Numerics.Statistics;
using PcfgLab.Compression;
using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Analysis;

/// <summary>One grammar of the survey to measure.</summary>
/// <param name="Name">Label (a preset's name, or <c>random-k</c>).</param>
/// <param name="Group">Series: a preset group or <c>random</c>.</param>
/// <param name="Spec">The random-grammar spec.</param>
/// <param name="Seed">Grammar and document seed.</param>
public sealed record SurveyGrammar(string Name, string Group, GrammarSpec Spec, Seed Seed);

/// <summary>What the survey measured for one grammar.</summary>
/// <param name="Grammar">The grammar.</param>
/// <param name="GzipMedian">The study's gzip compressibility (median over a seeded document sample).</param>
/// <param name="Rate">The entropy rate estimate.</param>
/// <param name="Vocabulary">V, the terminals used plus the separator.</param>
public sealed record SurveyPoint(SurveyGrammar Grammar, double GzipMedian, EntropyRateEstimate Rate, int Vocabulary)
{
    /// <summary>h / ln V.</summary>
    public double RateOverLogVocabulary => Rate.RateNats / Math.Log(Vocabulary);
}

/// <summary>The survey's points, what was left out and why, and the correlations of gzip with h and h / ln V.</summary>
/// <param name="Points">Measured grammars.</param>
/// <param name="Skipped">Grammars left out, each with its reason.</param>
/// <param name="PearsonNormalised">Pearson correlation of gzip median with h / ln V.</param>
/// <param name="SpearmanNormalised">Spearman rank correlation of gzip median with h / ln V.</param>
/// <param name="PearsonNats">Pearson correlation of gzip median with h in nats per token.</param>
/// <param name="SpearmanNats">Spearman rank correlation of gzip median with h in nats per token.</param>
public sealed record SurveyResult(
    IReadOnlyList<SurveyPoint> Points,
    IReadOnlyList<string> Skipped,
    double PearsonNormalised,
    double SpearmanNormalised,
    double PearsonNats,
    double SpearmanNats);

/// <summary>
/// Gzip compressibility against the entropy rate across many grammars: does the study's complexity measure track how
/// predictable the data really is? Each grammar gets the gzip median of 1000 seeded documents (as <c>generate</c>
/// records) and h = H(S) / (E|S| + 1), both from the fast profile's documents and sentences.
/// </summary>
public static class ComplexitySurvey
{
    /// <summary>The default set: the six study presets at seeds 1-3, the iso-vocabulary and equal-compressibility presets
    /// at seed 1, and <paramref name="randomSpecs"/> random specs drawn from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<SurveyGrammar> DefaultGrammars(int randomSpecs = 24, ulong seed = 1)
    {
        var list = new List<SurveyGrammar>();
        foreach (var preset in GrammarPresets.Study)
        {
            for (var s = 1; s <= 3; s++)
            {
                list.Add(new SurveyGrammar(preset.Name, preset.Group, preset.Spec, new Seed(s)));
            }
        }

        foreach (var preset in GrammarPresets.All.Where(p => p.Group != GrammarPresets.StudyGroup))
        {
            list.Add(new SurveyGrammar(preset.Name, preset.Group, preset.Spec, new Seed(1)));
        }

        // Random specs over the ranges the presets span: log-uniform terminals 10..2000, nonterminals 2..100,
        // options 1..50, right-hand sides 1..20.
        var rng = new Xoshiro256StarStar(seed);
        for (var k = 0; k < randomSpecs; k++)
        {
            var nonterminals = 2 + (int)(rng.NextDouble() * 99);
            var terminals = (int)Math.Round(Math.Exp(Math.Log(10) + (rng.NextDouble() * (Math.Log(2000) - Math.Log(10)))));
            var options = 1 + (int)(rng.NextDouble() * 50);
            var length = 1 + (int)(rng.NextDouble() * 20);
            list.Add(new SurveyGrammar(string.Create(CultureInfo.InvariantCulture, $"random-{k + 1}"), "random", new GrammarSpec(nonterminals, terminals, options, length), new Seed(1)));
        }

        return list;
    }

    /// <summary>Measures every grammar; grammars without a defined entropy rate (no finite sentence, critical after
    /// conditioning, or a mean sentence longer than <paramref name="maxSentenceLength"/>: such sentences do not fit the
    /// 256-token documents of the study, and their heavy tails make exact parses of whole sentences slow) are skipped
    /// with the reason.</summary>
    public static SurveyResult Run(
        IReadOnlyList<SurveyGrammar> grammars,
        int gzipDocuments = GzipSample.DefaultDocuments,
        int sentences = 4000,
        int threads = 1,
        double maxSentenceLength = 300,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grammars);
        var points = new List<SurveyPoint>();
        var skipped = new List<string>();
        foreach (var g in grammars)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grammar = RandomGrammarBuilder.Build(g.Spec, g.Seed.Value);
            var report = GrammarAnalysis.Analyze(grammar);
            var label = string.Create(CultureInfo.InvariantCulture, $"{g.Name} {g.Spec} seed {g.Seed}");
            if (!(report.StartTerminationProbability > 0) || report.ConditionedIsCritical || !(report.ExpectedSentenceLength <= maxSentenceLength))
            {
                skipped.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: q_S = {report.StartTerminationProbability:G3}, E|S| = {report.ExpectedSentenceLength:G3}"));
                continue;
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var compiled = CompiledGrammar.Renormalised(grammar);
            EntropyRateEstimate rate;
            try
            {
                rate = EntropyRate.Estimate(PrefixGrammar.Build(compiled), g.Seed.ForStreams, sentences, threads, cancellationToken);
            }
            catch (UserInputException ex)
            {
                skipped.Add($"{label}: {ex.Message}");
                continue;
            }

            var sampler = new DocumentSampler(compiled, g.Seed.ForStreams, DocumentSampler.DefaultDocumentLength);
            var gzip = GzipSample.MeasureRegenerated(sampler, gzipDocuments, gzipDocuments, GzipSample.DefaultSeed);
            var point = new SurveyPoint(g, gzip.Summary.Median, rate, grammar.TerminalIds().Length + 1);
            points.Add(point);
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{label}: gzip {point.GzipMedian:0.0000}, h {rate.RateNats:0.0000} nats/token, h/ln V {point.RateOverLogVocabulary:0.0000} ({watch.Elapsed.TotalSeconds:0.0} s)"));
        }

        if (points.Count < 3)
        {
            throw new UserInputException($"only {points.Count} grammars could be measured: the survey needs at least 3 for a correlation.");
        }

        var gz = points.Select(p => p.GzipMedian).ToArray();
        var normalised = points.Select(p => p.RateOverLogVocabulary).ToArray();
        var nats = points.Select(p => p.Rate.RateNats).ToArray();
        return new SurveyResult(points, skipped, Correlation.Pearson(gz, normalised), Correlation.Spearman(gz, normalised), Correlation.Pearson(gz, nats), Correlation.Spearman(gz, nats));
    }
}
