using System.Globalization;
using PcfgLab.Grammars;
using PcfgLab.Scaling;

namespace PcfgLab.Analysis;

/// <summary>
/// One identified parameter regressed on one candidate predictor over the datasets where the parameter is identified,
/// or why it was not regressed. The interval comes from resampling the whole two-step procedure: resample r refits
/// every dataset on its r-th resample of runs and regresses those laws' parameter, and the 2.5% and 97.5% percentiles
/// of the slopes bound it.
/// </summary>
/// <param name="Parameter">alpha, beta or a.</param>
/// <param name="Predictor">gzip H, ln V, h, h/ln V or floor.</param>
/// <param name="Datasets">Datasets in the regression (identified parameter and known predictor).</param>
/// <param name="Slope">Least-squares slope (null when not regressed).</param>
/// <param name="Intercept">Least-squares intercept (null when not regressed).</param>
/// <param name="Lower">2.5% percentile of the resampled slopes.</param>
/// <param name="Upper">97.5% percentile of the resampled slopes.</param>
/// <param name="RSquared">R² of the point regression.</param>
/// <param name="LeaveOneOutRmse">Root mean square error predicting each dataset's parameter from a line fitted to the others.</param>
/// <param name="NotFitted">Why the pair was not regressed, or null.</param>
public sealed record PredictorFit(string Parameter, string Predictor, int Datasets, double? Slope, double? Intercept, double? Lower, double? Upper, double? RSquared, double? LeaveOneOutRmse, string? NotFitted)
{
    /// <summary>The resampled intercepts, aligned with <see cref="Slopes"/>.</summary>
    internal IReadOnlyList<double> Intercepts { get; init; } = [];

    /// <summary>The resampled slopes (one per bootstrap resample of the two-step procedure).</summary>
    internal IReadOnlyList<double> Slopes { get; init; } = [];

    /// <summary>The predictor values of the datasets regressed, in order.</summary>
    internal IReadOnlyList<double> Xs { get; init; } = [];
}

/// <summary>Builds the predictor table: every parameter of <see cref="Parameters"/> against every predictor of <see cref="Predictors"/>.</summary>
public static class PredictorTable
{
    /// <summary>The parameters regressed.</summary>
    public static IReadOnlyList<string> Parameters { get; } = ["alpha", "beta", "a"];

    /// <summary>The candidate predictors, in the table's order.</summary>
    public static IReadOnlyList<string> Predictors { get; } = ["gzip H", "ln V", "h", "h/ln V", "floor"];

    /// <summary>The value of <paramref name="predictor"/> for <paramref name="dataset"/>, when known.</summary>
    public static double? PredictorValue(DatasetResults dataset, string predictor)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return predictor switch
        {
            "gzip H" => dataset.GzipMedian,
            "ln V" => dataset.Vocabulary is > 1 and var v ? Math.Log(v) : null,
            "h" => dataset.Floor?.EntropyRateNats,
            "h/ln V" => dataset.Floor?.EntropyRateOverLogVocabulary
                ?? (dataset.Floor?.EntropyRateNats is { } h && dataset.Vocabulary is > 1 and var w ? h / Math.Log(w) : null),
            "floor" => dataset.Floor?.Nats,
            _ => throw new ArgumentOutOfRangeException(nameof(predictor), predictor, "unknown predictor"),
        };
    }

    /// <summary>
    /// Every parameter against every predictor over <paramref name="datasets"/>' identified fits, each grammar counted
    /// once (<see cref="DistinctGrammars"/>).
    /// </summary>
    public static IReadOnlyList<PredictorFit> Build(IReadOnlyList<DatasetResults> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        datasets = DistinctGrammars(datasets);
        var result = new List<PredictorFit>();
        foreach (var parameter in Parameters)
        {
            foreach (var predictor in Predictors)
            {
                result.Add(Fit(datasets, parameter, predictor));
            }
        }

        return result;
    }

    /// <summary>
    /// The study's direct test: alpha, beta and a against gzip H within the iso-vocabulary series (<see
    /// cref="IsoVocabularySeries"/>), where V does not vary, so that H cannot stand in for the vocabulary.
    /// </summary>
    public static IReadOnlyList<PredictorFit> BuildIsoVocabulary(IReadOnlyList<DatasetResults> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var series = IsoVocabularySeries(datasets);
        return [.. Parameters.Select(p => Fit(series, p, "gzip H"))];
    }

    /// <summary>
    /// The datasets of the iso-vocabulary series: those whose name is a preset with the series' grammar parameters
    /// (<see cref="GrammarPresets.IsoVocabularyGroup"/>; gzipscale-0.35 has those of isovocab-20_300_10_5), each grammar once.
    /// </summary>
    public static IReadOnlyList<DatasetResults> IsoVocabularySeries(IReadOnlyList<DatasetResults> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var specs = GrammarPresets.All.Where(p => p.Group == GrammarPresets.IsoVocabularyGroup).Select(p => p.Spec).ToHashSet();
        return DistinctGrammars([.. datasets.Where(d => PresetSpec(d.Name) is { } spec && specs.Contains(spec))]);
    }

    /// <summary>
    /// <paramref name="datasets"/> without those whose grammar (by its recorded SHA-256) is an earlier one's: two
    /// datasets of one grammar are draws from one distribution (gzipscale-0.35 and isovocab-20_300_10_5 at one seed),
    /// and counting both would count one point twice.
    /// </summary>
    public static IReadOnlyList<DatasetResults> DistinctGrammars(IReadOnlyList<DatasetResults> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. datasets.Where(d => d.GrammarSha256 is not { } hash || seen.Add(hash))];
    }

    private static GrammarSpec? PresetSpec(string name)
    {
        try
        {
            return GrammarPresets.Get(name).Spec;
        }
        catch (UserInputException)
        {
            return null;
        }
    }

    internal static PredictorFit Fit(IReadOnlyList<DatasetResults> datasets, string parameter, string predictor)
    {
        var used = new List<(double X, double Y, IReadOnlyList<ChinchillaParameters> Resamples)>();
        foreach (var d in datasets)
        {
            if (d.Identification?.Estimate(parameter) is { Identified: true } estimate && PredictorValue(d, predictor) is { } x && double.IsFinite(x))
            {
                used.Add((x, estimate.Value, d.Identification.Resamples));
            }
        }

        var identified = used.Count;
        if (identified < IdentificationRules.MinDatasets)
        {
            return new PredictorFit(parameter, predictor, identified, null, null, null, null, null, null,
                string.Create(CultureInfo.InvariantCulture, $"identified on {identified} dataset(s) with a known {predictor}; a line needs {IdentificationRules.MinDatasets}"));
        }

        var xs = used.Select(u => u.X).ToArray();
        if (xs.Distinct().Count() < 2)
        {
            return new PredictorFit(parameter, predictor, identified, null, null, null, null, null, null, $"every dataset has the same {predictor}");
        }

        var ys = used.Select(u => u.Y).ToArray();
        var (intercept, slope, r2) = Line(xs, ys);

        // Leave one dataset out: predict it from the others' line.
        double squares = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            var keepX = xs.Where((_, j) => j != i).ToArray();
            var keepY = ys.Where((_, j) => j != i).ToArray();
            var (b0, b1, _) = keepX.Distinct().Count() < 2 ? (keepY.Average(), 0.0, 0.0) : Line(keepX, keepY);
            var error = b0 + (b1 * xs[i]) - ys[i];
            squares += error * error;
        }

        var loo = Math.Sqrt(squares / xs.Length);

        // The two-step procedure resampled: resample r of each dataset's runs, refitted, regressed.
        var count = used.Min(u => u.Resamples.Count);
        var slopes = new List<double>(count);
        var intercepts = new List<double>(count);
        var sample = new double[xs.Length];
        for (var r = 0; r < count; r++)
        {
            var finite = true;
            for (var i = 0; i < xs.Length; i++)
            {
                sample[i] = DatasetIdentification.Value(used[i].Resamples[r], parameter);
                finite &= double.IsFinite(sample[i]);
            }

            if (finite)
            {
                var (b0, b1, _) = Line(xs, sample);
                slopes.Add(b1);
                intercepts.Add(b0);
            }
        }

        double? lower = null, upper = null;
        if (slopes.Count >= 2)
        {
            var sorted = slopes.ToArray();
            Array.Sort(sorted);
            lower = Bootstrap.Percentile(sorted, 0.025);
            upper = Bootstrap.Percentile(sorted, 0.975);
        }

        return new PredictorFit(parameter, predictor, identified, slope, intercept, lower, upper, r2, loo, null) { Slopes = slopes, Intercepts = intercepts, Xs = xs };
    }

    /// <summary>Least-squares line: intercept, slope and R² (R² is 0 when y does not vary).</summary>
    internal static (double Intercept, double Slope, double RSquared) Line(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var n = xs.Count;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += xs[i] / n;
            my += ys[i] / n;
        }

        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (xs[i] - mx) * (xs[i] - mx);
            sxy += (xs[i] - mx) * (ys[i] - my);
            syy += (ys[i] - my) * (ys[i] - my);
        }

        var slope = sxy / sxx;
        var r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 0;
        return (my - (slope * mx), slope, r2);
    }
}
