using System.Globalization;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// When a fitted parameter counts as identified: the one rule the report states, the regressions obey and the figures
/// draw (hollow markers for the rest).
/// </summary>
public static class IdentificationRules
{
    /// <summary>A 95% bootstrap interval whose upper end exceeds its lower end by more than this factor does not identify the parameter.</summary>
    public const double MaxIntervalFactor = 3;

    /// <summary>Another start's optimum whose objective is within this fraction of the best one's counts as an equal optimum.</summary>
    public const double EqualObjective = 1e-3;

    /// <summary>An equal optimum whose alpha or beta differs from the best one's by more than this factor (or in sign) is a competing optimum.</summary>
    public const double DistinctFactor = 1.5;

    /// <summary>Fewest datasets with an identified parameter before it is regressed on a predictor.</summary>
    public const int MinDatasets = 3;

    /// <summary>The rule in words, printed once in the report.</summary>
    public static string Rule { get; } = string.Create(CultureInfo.InvariantCulture,
        $"A parameter is **not identified** when the fit has several optima of equal objective (another start ends within {EqualObjective:0.#%} of the best objective with alpha or beta a factor {DistinctFactor} away or of the other sign), when an exponent is at or below 0, when a free E sits at its bound 0, when no bootstrap was run, or when its 95% bootstrap interval reaches 0 or spans more than a factor {MaxIntervalFactor} (upper / lower > {MaxIntervalFactor}). A parameter not identified is printed as such with the reason, drawn hollow in the parameter figures and left out of every regression.");

    /// <summary>
    /// Judges E, alpha, beta and a = beta/(alpha+beta) of <paramref name="fit"/> (intervals from its bootstrap) by
    /// <see cref="Rule"/>; <paramref name="competingOptimum"/> describes another optimum of equal objective, when one was found.
    /// </summary>
    public static IReadOnlyList<ParameterEstimate> Judge(LawFit fit, bool eFixed, string? competingOptimum)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var result = new List<ParameterEstimate>(4);
        var e = fit.Interval("E");
        result.Add(eFixed
            ? new ParameterEstimate("E", fit.E, null, null, null, FixedAtFloor: true)
            : new ParameterEstimate("E", fit.E, e?.Lower, e?.Upper, fit.EAtBound ? "E at its bound 0" : competingOptimum ?? IntervalProblem(e)));
        var exponentProblem = !(fit.Alpha > 0) ? string.Create(CultureInfo.InvariantCulture, $"alpha = {fit.Alpha:0.###} is at or below 0")
            : !(fit.Beta > 0) ? string.Create(CultureInfo.InvariantCulture, $"beta = {fit.Beta:0.###} is at or below 0")
            : null;
        foreach (var name in (string[])["alpha", "beta", "a"])
        {
            var value = name switch { "alpha" => fit.Alpha, "beta" => fit.Beta, _ => fit.Parameters.ParameterAllocationExponent };
            var interval = fit.Interval(name);
            var why = competingOptimum ?? exponentProblem ?? (fit.EAtBound && !eFixed ? "E at its bound 0" : null) ?? IntervalProblem(interval);
            result.Add(new ParameterEstimate(name, value, interval?.Lower, interval?.Upper, why));
        }

        return result;
    }

    /// <summary>Why <paramref name="interval"/> does not identify its parameter, or null when it does.</summary>
    public static string? IntervalProblem(ParameterInterval? interval)
    {
        if (interval is null)
        {
            return "no bootstrap interval";
        }

        if (!double.IsFinite(interval.Lower) || !double.IsFinite(interval.Upper))
        {
            return "95% interval not finite";
        }

        if (!(interval.Lower > 0))
        {
            return string.Create(CultureInfo.InvariantCulture, $"95% interval {interval.Lower:G3} to {interval.Upper:G3} reaches 0");
        }

        var factor = interval.Upper / interval.Lower;
        return factor > MaxIntervalFactor
            ? string.Create(CultureInfo.InvariantCulture, $"95% interval {interval.Lower:G3} to {interval.Upper:G3} spans a factor {(factor < 1000 ? factor.ToString("0.#", CultureInfo.InvariantCulture) : "over 1000")}")
            : null;
    }
}

/// <summary>One fitted parameter with its 95% bootstrap interval and, when it is not identified, why.</summary>
/// <param name="Name">E, alpha, beta or a.</param>
/// <param name="Value">The point estimate.</param>
/// <param name="Lower">Lower end of the 95% bootstrap interval, when one was computed.</param>
/// <param name="Upper">Upper end of the 95% bootstrap interval, when one was computed.</param>
/// <param name="NotIdentified">Why the parameter is not identified (<see cref="IdentificationRules.Rule"/>), or null when it is.</param>
/// <param name="FixedAtFloor">E held at the dataset's loss floor (not fitted).</param>
public sealed record ParameterEstimate(string Name, double Value, double? Lower, double? Upper, string? NotIdentified, bool FixedAtFloor = false)
{
    /// <summary>Whether the parameter is identified (always false for an E held fixed: it was not fitted).</summary>
    public bool Identified => NotIdentified is null && !FixedAtFloor;
}

/// <summary>A dataset's fit judged by <see cref="IdentificationRules"/>: E at the floor where one is recorded (the primary fit), or free.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="FixedE">The floor E was held at, or null for a free E.</param>
/// <param name="Fit">The law, with its bootstrap intervals.</param>
/// <param name="Estimates">E, alpha, beta and a, each judged.</param>
/// <param name="CompetingOptimum">Another optimum of equal objective, described, when one was found.</param>
public sealed record DatasetIdentification(string Dataset, double? FixedE, LawFit Fit, IReadOnlyList<ParameterEstimate> Estimates, string? CompetingOptimum)
{
    /// <summary>The estimate of <paramref name="name"/> (E, alpha, beta or a), or null.</summary>
    public ParameterEstimate? Estimate(string name) => Estimates.FirstOrDefault(e => e.Name == name);

    /// <summary>How far the law misses the runs' excess over the floor (<see cref="ExcessMisfitRule"/>), when measured.</summary>
    public ExcessMisfit? Misfit { get; init; }

    /// <summary>The bootstrap laws, in resample order (resample r of every dataset is one draw of the two-step procedure).</summary>
    internal IReadOnlyList<ChinchillaParameters> Resamples { get; init; } = [];

    /// <summary>The value of <paramref name="name"/> in <paramref name="law"/>.</summary>
    internal static double Value(ChinchillaParameters law, string name) => name switch
    {
        "E" => law.E,
        "alpha" => law.Alpha,
        "beta" => law.Beta,
        _ => law.ParameterAllocationExponent,
    };
}

/// <summary>
/// Fits a dataset with E fixed (or free) by <see cref="ConstrainedChinchillaFitter"/>'s objective and grid, looks at
/// every start's optimum for a competing one, and bootstraps the runs keeping every resample's law.
/// </summary>
internal static class IdentifiedFitter
{
    public static DatasetIdentification Fit(string dataset, IReadOnlyList<TrainingRecord> records, double? fixedE, FitOptions options, int resamples, ulong seed, CancellationToken cancellationToken)
    {
        var runs = ScalingStudy.FitRuns(dataset, records);
        ChinchillaFitter.Validate(runs, "the input");
        var constraints = new ChinchillaConstraints { FixedE = fixedE };
        var objective = new ConstrainedChinchillaObjective(ChinchillaFitter.CreateObjective(runs, options.HuberDelta), constraints);
        double[]? finals = null;
        double[]? values = null;
        var best = MultiStartMinimizer.Minimize(objective, ConstrainedChinchillaFitter.Grid(options, constraints), options.MaxDegreeOfParallelism, cancellationToken,
            everyOptimum: (f, v) => (finals, values) = ((double[])f.Clone(), (double[])v.Clone()));
        var full = objective.Expand(best.Theta);
        var parameters = ChinchillaFitter.FromTheta(full);
        var quality = GoodnessOfFit.Of(runs, r => parameters.Loss(r.Parameters, r.Tokens));
        var competing = CompetingOptimum(objective, finals!, values!, best.Objective, parameters);

        IReadOnlyList<ChinchillaParameters> laws = [];
        IReadOnlyList<ParameterInterval>? intervals = null;
        if (resamples >= 2)
        {
            var (logN, logD, logL, meanLogN, meanLogD) = Bootstrap.LogColumns(runs);
            var starts = ConstrainedChinchillaFitter.LocalStarts(full, meanLogN, meanLogD, objective);

            // Each dataset draws its own resamples (seed mixed with its name), so that resample r of the study is
            // independent across datasets, and the same whatever other datasets the report holds.
            var options2 = new BootstrapOptions { Resamples = resamples, Seed = seed ^ NameHash(dataset), MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
            var (thetas, _) = Bootstrap.Refit(logN, logD, logL, options2, (rn, rd, rl) =>
            {
                var o = new ConstrainedChinchillaObjective(new ChinchillaObjective(rn, rd, rl, options.HuberDelta), constraints);
                var r = MultiStartMinimizer.Minimize(o, starts, 1, cancellationToken);
                return (o.Expand(r.Theta), r.Converged);
            }, cancellationToken);
            laws = [.. thetas.Select(t => ChinchillaFitter.FromTheta(t))];
            intervals = Bootstrap.Intervals(laws, parameters);
        }

        var fit = new LawFit(parameters) { Rmse = quality.Rmse, Runs = runs.Count, Converged = best.Converged, Intervals = intervals };
        return new DatasetIdentification(dataset, fixedE, fit, IdentificationRules.Judge(fit, fixedE is not null, competing), competing) { Resamples = laws };
    }

    /// <summary>FNV-1a of the name's UTF-16 code units: stable across processes (string.GetHashCode is not).</summary>
    internal static ulong NameHash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static string? CompetingOptimum(ConstrainedChinchillaObjective objective, double[] finals, double[] values, double bestObjective, ChinchillaParameters best)
    {
        var dim = objective.Dimension;
        var tolerance = (IdentificationRules.EqualObjective * Math.Abs(bestObjective)) + 1e-12;
        for (var s = 0; s < values.Length; s++)
        {
            if (!double.IsFinite(values[s]) || values[s] - bestObjective > tolerance)
            {
                continue;
            }

            var other = ChinchillaFitter.FromTheta(objective.Expand(finals.AsSpan(s * dim, dim)));
            if (Distinct(other.Alpha, best.Alpha) || Distinct(other.Beta, best.Beta))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"two optima of equal objective: alpha {best.Alpha:0.###}, beta {best.Beta:0.###} and alpha {other.Alpha:0.###}, beta {other.Beta:0.###}");
            }
        }

        return null;
    }

    private static bool Distinct(double x, double y) =>
        Math.Sign(x) != Math.Sign(y) || Math.Abs(Math.Log(Math.Abs(x) / Math.Abs(y))) > Math.Log(IdentificationRules.DistinctFactor);
}
