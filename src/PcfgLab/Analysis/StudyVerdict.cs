using System.Globalization;
using PcfgLab.Scaling;

namespace PcfgLab.Analysis;

/// <summary>The report's answer to one of the study's claims, by the rules of <see cref="StudyVerdict"/>.</summary>
/// <param name="Claim">The claim in words.</param>
/// <param name="Verdict"><see cref="StudyVerdict.Supported"/>, <see cref="StudyVerdict.Contradicted"/> or <see cref="StudyVerdict.NotIdentified"/>.</param>
/// <param name="Evidence">The numbers that decide it.</param>
/// <param name="Figures">The figures (file stems under figures/) that show it.</param>
public sealed record ClaimVerdict(string Claim, string Verdict, string Evidence, IReadOnlyList<string> Figures);

/// <summary>
/// Judges the study's three claims from the predictor table's gzip-H rows (identified parameters only, intervals from
/// resampling the two-step procedure) by the rules in <see cref="Rules"/>.
/// </summary>
public static class StudyVerdict
{
    /// <summary>The claim holds by the rule.</summary>
    public const string Supported = "supported";

    /// <summary>The data say the opposite by the rule.</summary>
    public const string Contradicted = "contradicted";

    /// <summary>The runs cannot decide.</summary>
    public const string NotIdentified = "not identified at this scale";

    /// <summary>A trend whose whole 95% interval changes the parameter by less than this fraction of its mean over the studied H range counts as flat.</summary>
    public const double FlatFraction = 0.25;

    /// <summary>The rules in words, printed with the verdicts.</summary>
    public static string Rules { get; } = string.Create(CultureInfo.InvariantCulture,
        $"Each claim is judged on the identified parameters only (rule above; each grammar counted once), regressed on gzip H over at least {IdentificationRules.MinDatasets} datasets with the slope's 95% interval from resampling the two-step procedure. *Exponents vary with H*: supported when the interval of alpha's or beta's slope excludes 0; contradicted when every such interval includes 0 and, across the studied H range, changes the exponent by less than {FlatFraction:0%} of its mean; otherwise not identified; *at fixed vocabulary* is the same rule within the iso-vocabulary series. *The frontier moves toward data as H rises* (a = beta/(alpha+beta) falls): supported when a's slope interval lies below 0; contradicted when it lies above 0, or includes 0 while changing a by less than {FlatFraction:0%} across the range; otherwise not identified. *Where it crosses Chinchilla's* (a = {ChinchillaA:0.000}): placed (supported) when a's slope interval excludes 0 and the resampled crossings' 95% interval lies inside the studied H range; contradicted when the slope interval excludes 0 and that interval lies wholly outside the range; otherwise not identified.");

    /// <summary>Chinchilla's allocation exponent a = beta/(alpha+beta) = 0.28/0.62.</summary>
    public static double ChinchillaA => ChinchillaParameters.Hoffmann2022.ParameterAllocationExponent;

    /// <summary>
    /// The three verdicts from the predictor table and, given the iso-vocabulary series' rows
    /// (<see cref="PredictorTable.BuildIsoVocabulary"/>), a fourth: the exponents vary with H at fixed vocabulary,
    /// judged by the first claim's rule.
    /// </summary>
    public static IReadOnlyList<ClaimVerdict> Judge(IReadOnlyList<PredictorFit> predictors, IReadOnlyList<PredictorFit>? isoVocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(predictors);
        PredictorFit? Row(IReadOnlyList<PredictorFit> rows, string parameter) => rows.FirstOrDefault(p => p.Parameter == parameter && p.Predictor == "gzip H");
        List<ClaimVerdict> verdicts = [Exponents(Row(predictors, "alpha"), Row(predictors, "beta"), isoClaim: false), Frontier(Row(predictors, "a")), Crossing(Row(predictors, "a"))];
        if (isoVocabulary is not null)
        {
            verdicts.Add(Exponents(Row(isoVocabulary, "alpha"), Row(isoVocabulary, "beta"), isoClaim: true));
        }

        return verdicts;
    }

    private static ClaimVerdict Exponents(PredictorFit? alpha, PredictorFit? beta, bool isoClaim)
    {
        var claim = isoClaim
            ? "At fixed vocabulary (the iso-vocabulary series, 300 terminals), the exponents vary with H: gzip, not V"
            : "The exponents alpha and beta vary with H";
        string[] figures = ["parameter-alpha", "parameter-beta"];
        var rows = new[] { alpha, beta }.Where(r => r is not null).Select(r => r!).ToArray();
        var evidence = string.Join("; ", rows.Select(Describe));
        var fitted = rows.Where(r => r.Lower is not null && r.Upper is not null).ToArray();
        if (fitted.Length == 0)
        {
            return new ClaimVerdict(claim, NotIdentified, evidence, figures);
        }

        if (fitted.Any(Excludes0))
        {
            return new ClaimVerdict(claim, Supported, evidence, figures);
        }

        return new ClaimVerdict(claim, fitted.Length == rows.Length && fitted.All(Flat) ? Contradicted : NotIdentified, evidence, figures);
    }

    private static ClaimVerdict Frontier(PredictorFit? a)
    {
        const string Claim = "The compute-optimal frontier moves toward data as H rises (a = beta/(alpha+beta) falls)";
        string[] figures = ["tokens-per-parameter", "frontier-tokens"];
        if (a is not { Lower: { } lower, Upper: { } upper })
        {
            return new ClaimVerdict(Claim, NotIdentified, a is null ? "no a row" : Describe(a), figures);
        }

        var verdict = upper < 0 ? Supported : lower > 0 || Flat(a) ? Contradicted : NotIdentified;
        return new ClaimVerdict(Claim, verdict, Describe(a), figures);
    }

    private static ClaimVerdict Crossing(PredictorFit? a)
    {
        const string Claim = "Where the frontier crosses Chinchilla's";
        string[] figures = ["tokens-per-parameter"];
        if (a is not { Lower: { }, Upper: { }, Slope: { } slope, Intercept: { } intercept } || !Excludes0(a))
        {
            return new ClaimVerdict(Claim, NotIdentified, (a is null ? "no a row" : Describe(a)) + "; a crossing needs a slope of a whose interval excludes 0", figures);
        }

        var crossings = new List<double>();
        for (var r = 0; r < a.Slopes.Count; r++)
        {
            if (a.Slopes[r] != 0)
            {
                crossings.Add((ChinchillaA - a.Intercepts[r]) / a.Slopes[r]);
            }
        }

        var point = (ChinchillaA - intercept) / slope;
        var lowH = a.Xs.Min();
        var highH = a.Xs.Max();
        if (crossings.Count < 2)
        {
            return new ClaimVerdict(Claim, NotIdentified, "too few resampled crossings", figures);
        }

        var sorted = crossings.ToArray();
        Array.Sort(sorted);
        var lower = Bootstrap.Percentile(sorted, 0.025);
        var upper = Bootstrap.Percentile(sorted, 0.975);
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"a = {ChinchillaA:0.000} at H = {point:0.000} (95%: {lower:0.000} to {upper:0.000}); studied H {lowH:0.000} to {highH:0.000}");
        var verdict = lower >= lowH && upper <= highH ? Supported : upper < lowH || lower > highH ? Contradicted : NotIdentified;
        return new ClaimVerdict(Claim, verdict, evidence, figures);
    }

    private static bool Excludes0(PredictorFit row) => row.Lower > 0 || row.Upper < 0;

    /// <summary>Whether the whole interval changes the parameter by less than <see cref="FlatFraction"/> of its mean across the studied H range.</summary>
    private static bool Flat(PredictorFit row)
    {
        if (row is not { Lower: { } lower, Upper: { } upper, Intercept: { } intercept, Slope: { } slope } || row.Xs.Count == 0)
        {
            return false;
        }

        var span = row.Xs.Max() - row.Xs.Min();
        var mean = Math.Abs(intercept + (slope * row.Xs.Average()));
        return Math.Max(Math.Abs(lower), Math.Abs(upper)) * span < FlatFraction * mean;
    }

    private static string Describe(PredictorFit row) =>
        row.NotFitted is { } why
            ? $"{row.Parameter}: {why}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{row.Parameter}: slope {row.Slope:G3} per unit H, 95% {(row.Lower is { } l && row.Upper is { } u ? $"{l:G3} to {u:G3}" : "n/a")} over {row.Datasets} datasets");
}
