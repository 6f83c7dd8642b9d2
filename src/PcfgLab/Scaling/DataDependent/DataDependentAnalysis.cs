namespace PcfgLab.Scaling;

/// <summary>Options of <see cref="DataDependentAnalysis"/>.</summary>
public sealed record DataDependentAnalysisOptions
{
    /// <summary>Bootstrap resamples; 0 for none (point estimates only).</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed; resample i draws from its own stream seeded by (Seed, i), so results do not depend on threads.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Resample whole datasets (with replacement) and then runs within each; false: runs within each dataset only.</summary>
    public bool ResampleDatasets { get; init; } = true;

    /// <summary>Reference law whose frontier the crossings compare with (default Besiroglu et al. 2024's refit).</summary>
    public ChinchillaParameters Reference { get; init; } = ReferenceLaws.Besiroglu2024;

    /// <summary>Compute C at which tokens per parameter is compared and banded.</summary>
    public double Flops { get; init; } = 1e21;

    /// <summary>Lowest H of the band and of the crossing search.</summary>
    public double HLow { get; init; }

    /// <summary>Highest H of the band and of the crossing search.</summary>
    public double HHigh { get; init; } = 1;

    /// <summary>Points of the band over [HLow, HHigh].</summary>
    public int BandPoints { get; init; } = 11;

    /// <summary>|correlation| above which two parameters are reported as not separately identified.</summary>
    public double IdentifiabilityThreshold { get; init; } = 0.99;
}

/// <summary>A line's slope and intercept with bootstrap intervals.</summary>
/// <param name="Name">E, A, B (log A, log B in the log-linear variant), alpha, beta.</param>
/// <param name="Slope">Full-data slope m.</param>
/// <param name="SlopeStandardError">SD of the slope over resamples.</param>
/// <param name="SlopeLower">2.5th percentile of the slope.</param>
/// <param name="SlopeUpper">97.5th percentile of the slope.</param>
/// <param name="SharePositive">Share of resamples with a positive slope.</param>
/// <param name="Intercept">Full-data intercept n = x(0).</param>
/// <param name="InterceptLower">2.5th percentile of the intercept.</param>
/// <param name="InterceptUpper">97.5th percentile of the intercept.</param>
public sealed record LineInterval(string Name, double Slope, double SlopeStandardError, double SlopeLower, double SlopeUpper, double SharePositive, double Intercept, double InterceptLower, double InterceptUpper);

/// <summary>The frontier at one H with bootstrap bands.</summary>
/// <param name="H">Compressibility.</param>
/// <param name="AllocationExponent">a(H) = beta/(alpha+beta) of the full-data fit (NaN where the law has no frontier).</param>
/// <param name="AllocationLower">2.5th percentile over resamples with a frontier at this H.</param>
/// <param name="AllocationUpper">97.5th percentile.</param>
/// <param name="TokensPerParameter">D_opt/N_opt at the analysis compute.</param>
/// <param name="TokensLower">2.5th percentile.</param>
/// <param name="TokensUpper">97.5th percentile.</param>
/// <param name="ResamplesWithFrontier">Resamples whose law has a frontier at this H (positive A, B, alpha, beta).</param>
public sealed record FrontierBandPoint(double H, double AllocationExponent, double AllocationLower, double AllocationUpper, double TokensPerParameter, double TokensLower, double TokensUpper, int ResamplesWithFrontier);

/// <summary>The H at which the fitted frontier crosses the reference's, with a bootstrap interval.</summary>
/// <param name="What"><c>allocation exponent</c> or <c>tokens per parameter at C</c>.</param>
/// <param name="Estimate">Crossing of the full-data fit in the search range (the one nearest the middle when several), or null.</param>
/// <param name="Lower">2.5th percentile over the resamples that cross in the range.</param>
/// <param name="Upper">97.5th percentile.</param>
/// <param name="ResamplesCrossing">Resamples with a crossing in the range.</param>
/// <param name="ReferenceValue">The reference's value (its a, or its D/N at C).</param>
public sealed record CrossingEstimate(string What, double? Estimate, double Lower, double Upper, int ResamplesCrossing, double ReferenceValue);

/// <summary>A pair of parameters the bootstrap cannot tell apart.</summary>
/// <param name="First">First parameter.</param>
/// <param name="Second">Second parameter.</param>
/// <param name="Correlation">Their bootstrap correlation.</param>
/// <param name="Message">The warning in plain words.</param>
public sealed record IdentifiabilityWarning(string First, string Second, double Correlation, string Message);

/// <summary>Intervals, frontier bands, crossings and identifiability of a joint data-dependent fit.</summary>
/// <param name="Resamples">Bootstrap resamples (0: none; intervals are NaN).</param>
/// <param name="ConvergedResamples">Resamples whose best start converged.</param>
/// <param name="StartsPerResample">Starts per resample fit.</param>
/// <param name="Seed">Seed.</param>
/// <param name="ResampledDatasets">Whether whole datasets were resampled as well as runs.</param>
/// <param name="Reference">The reference law.</param>
/// <param name="Flops">Compute of the tokens-per-parameter comparisons.</param>
/// <param name="Lines">Slopes and intercepts with intervals.</param>
/// <param name="Band">The frontier over H.</param>
/// <param name="AllocationCrossing">Where a(H) equals the reference's.</param>
/// <param name="TokensCrossing">Where D/N at C equals the reference's.</param>
/// <param name="ParameterNames">Names of the internal parameters, for <paramref name="Correlation"/>.</param>
/// <param name="Correlation">Bootstrap correlation matrix of the internal parameters (each parameter's value at the lowest and highest H; A and B as their terms at the runs' geometric-mean N and D), row-major; empty without a bootstrap.</param>
/// <param name="Warnings">Pairs not separately identified.</param>
public sealed record DataDependentAnalysis(
    int Resamples,
    int ConvergedResamples,
    int StartsPerResample,
    ulong Seed,
    bool ResampledDatasets,
    ChinchillaParameters Reference,
    double Flops,
    IReadOnlyList<LineInterval> Lines,
    IReadOnlyList<FrontierBandPoint> Band,
    CrossingEstimate AllocationCrossing,
    CrossingEstimate TokensCrossing,
    IReadOnlyList<string> ParameterNames,
    double[] Correlation,
    IReadOnlyList<IdentifiabilityWarning> Warnings)
{
    /// <summary>Analyses <paramref name="fit"/>, the joint fit of <paramref name="runs"/>.</summary>
    /// <exception cref="UserInputException">Bad options.</exception>
    public static DataDependentAnalysis Run(IReadOnlyList<FitRun> runs, DataDependentFit fit, DataDependentAnalysisOptions options, double huberDelta = 1e-3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resamples is < 0 or 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Resamples")} {options.Resamples}: use 0 (none) or at least 2 resamples");
        }

        if (!(options.HHigh > options.HLow) || options.BandPoints < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("HRange")} {options.HLow},{options.HHigh}: HI must be above LO");
        }

        if (!(options.Flops > 0) || !double.IsFinite(options.Flops))
        {
            throw UserInputException.ForParameters($"{new Parameter("DataDependentAnalysisOptions.Flops")} {options.Flops}: must be a positive number");
        }

        var data = DataDependentFitter.Prepare(runs);
        var logLinear = fit.Law.LogLinearCoefficients;
        var resamples = options.Resamples;
        var thetas = new double[resamples][];
        var converged = new bool[resamples];
        var starts = LocalStarts(fit.Theta, data);
        if (resamples > 0)
        {
            var groups = data.Datasets.Count;
            var distinctH = data.Datasets.Select(d => d.Compressibility).Distinct().Count();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism <= 0 ? -1 : options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
            Parallel.For(0, resamples, parallel, resample =>
            {
                var rng = SplitMix64Stream.ForStream(options.Seed, (ulong)resample);
                var chosen = new int[groups];
                if (options.ResampleDatasets && distinctH > 1)
                {
                    // A resample needs two different H for the lines; redraw the rare ones that have only one.
                    do
                    {
                        for (var g = 0; g < groups; g++)
                        {
                            chosen[g] = rng.NextIndex(groups);
                        }
                    }
                    while (!TwoDistinct(chosen, data));

                    Array.Sort(chosen);
                }
                else
                {
                    for (var g = 0; g < groups; g++)
                    {
                        chosen[g] = g;
                    }
                }

                var indices = new List<int>(data.Runs.Count);
                foreach (var g in chosen)
                {
                    var start = data.GroupStart[g];
                    var size = data.GroupStart[g + 1] - start;
                    for (var i = 0; i < size; i++)
                    {
                        indices.Add(start + rng.NextIndex(size));
                    }
                }

                var objective = data.Subset([.. indices], logLinear, huberDelta);
                var best = MultiStartMinimizer.Minimize(objective, starts, 1, cancellationToken);
                thetas[resample] = best.Theta;
                converged[resample] = best.Converged;
            });
        }

        var laws = thetas.Select(t => DataDependentFitter.FromTheta(t, data.HLow, data.HHigh, logLinear)).ToArray();
        var names = fit.Law.ReportedLineNames;
        var lines = new List<LineInterval>(5);
        for (var q = 0; q < 5; q++)
        {
            var full = fit.Law.Lines[q];
            var slopes = laws.Select(l => l.Lines[q].Slope).ToArray();
            var intercepts = laws.Select(l => l.Lines[q].Intercept).ToArray();
            var (sl, su) = Interval(slopes);
            var (il, iu) = Interval(intercepts);
            lines.Add(new LineInterval(names[q], full.Slope, StandardDeviation(slopes), sl, su, resamples == 0 ? double.NaN : slopes.Count(s => s > 0) / (double)resamples, full.Intercept, il, iu));
        }

        var band = new List<FrontierBandPoint>(options.BandPoints);
        for (var k = 0; k < options.BandPoints; k++)
        {
            var h = options.HLow + ((options.HHigh - options.HLow) * k / (options.BandPoints - 1));
            var alloc = laws.Select(l => l.AllocationExponent(h)).Where(double.IsFinite).ToArray();
            var tokens = laws.Select(l => l.TokensPerParameter(options.Flops, h)).Where(double.IsFinite).ToArray();
            var (al, au) = Interval(alloc);
            var (tl, tu) = Interval(tokens);
            band.Add(new FrontierBandPoint(h, fit.Law.AllocationExponent(h), al, au, fit.Law.TokensPerParameter(options.Flops, h), tl, tu, alloc.Length));
        }

        var reference = options.Reference;
        var refA = reference.ParameterAllocationExponent;
        var refTokens = new ComputeOptimalFrontier(reference).TokensPerParameter(options.Flops);
        double AllocationGap(JointLaw l, double h) => l.AllocationExponent(h) - refA;
        double TokensGap(JointLaw l, double h) => Math.Log(l.TokensPerParameter(options.Flops, h)) - Math.Log(refTokens);
        var allocation = Crossing("allocation exponent", fit.Law, laws, AllocationGap, options, refA);
        var tokensCrossing = Crossing($"tokens per parameter at C = {options.Flops.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}", fit.Law, laws, TokensGap, options, refTokens);

        var parameterNames = NamesOf(data);
        var correlation = resamples > 0 ? CorrelationMatrix(Centred(thetas, data)) : [];
        var warnings = resamples > 0 ? FindWarnings(parameterNames, correlation, options.IdentifiabilityThreshold) : [];
        return new DataDependentAnalysis(resamples, converged.Count(c => c), starts.Length / DataDependentObjective.ParameterCount, options.Seed, options.ResampleDatasets,
            reference, options.Flops, lines, band, allocation, tokensCrossing, parameterNames, correlation, warnings);
    }

    private static bool TwoDistinct(int[] chosen, DataDependentFitter.PreparedRuns data)
    {
        var first = data.Datasets[chosen[0]].Compressibility;
        foreach (var g in chosen)
        {
            if (data.Datasets[g].Compressibility != first)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The full-data optimum and 8 neighbours: alpha and beta (at both ends) scaled by 0.7 and 1.4, log A and log B shifted so each term is unchanged at the mean log N and log D.</summary>
    private static double[] LocalStarts(double[] theta, DataDependentFitter.PreparedRuns data)
    {
        double meanLogN = 0, meanLogD = 0;
        foreach (var run in data.Runs)
        {
            meanLogN += Math.Log(run.Parameters) / data.Runs.Count;
            meanLogD += Math.Log(run.Tokens) / data.Runs.Count;
        }

        double[] scales = [1, 0.7, 1.4];
        var starts = new List<double>(9 * DataDependentObjective.ParameterCount);
        foreach (var alphaScale in scales)
        {
            foreach (var betaScale in scales)
            {
                var start = (double[])theta.Clone();
                for (var end = 0; end < 2; end++)
                {
                    var alpha = theta[6 + end] * alphaScale;
                    var beta = theta[8 + end] * betaScale;
                    start[2 + end] += (alpha - theta[6 + end]) * meanLogN;
                    start[4 + end] += (beta - theta[8 + end]) * meanLogD;
                    start[6 + end] = alpha;
                    start[8 + end] = beta;
                }

                starts.AddRange(start);
            }
        }

        return [.. starts];
    }

    private static CrossingEstimate Crossing(string what, JointLaw full, JointLaw[] laws, Func<JointLaw, double, double> gap, DataDependentAnalysisOptions options, double referenceValue)
    {
        var middle = 0.5 * (options.HLow + options.HHigh);
        var fullRoots = RootScan.Roots(h => gap(full, h), options.HLow, options.HHigh, RootScan.ResampleSteps);
        double? estimate = fullRoots.Count == 0 ? null : Nearest(fullRoots, middle);
        var target = estimate ?? middle;
        var values = new List<double>(laws.Length);
        foreach (var law in laws)
        {
            var roots = RootScan.Roots(h => gap(law, h), options.HLow, options.HHigh, RootScan.ResampleSteps);
            if (roots.Count > 0)
            {
                values.Add(Nearest(roots, target));
            }
        }

        var (lower, upper) = Interval([.. values]);
        return new CrossingEstimate(what, estimate, lower, upper, values.Count, referenceValue);
    }

    private static double Nearest(List<double> roots, double target)
    {
        var best = roots[0];
        foreach (var r in roots)
        {
            if (Math.Abs(r - target) < Math.Abs(best - target))
            {
                best = r;
            }
        }

        return best;
    }

    private static (double Lower, double Upper) Interval(double[] values)
    {
        if (values.Length < 2)
        {
            return (double.NaN, double.NaN);
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return (Bootstrap.Percentile(sorted, 0.025), Bootstrap.Percentile(sorted, 0.975));
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
        {
            return double.NaN;
        }

        double mean = 0;
        foreach (var v in values)
        {
            mean += v / values.Length;
        }

        double squares = 0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return Math.Sqrt(squares / (values.Length - 1));
    }

    private static List<string> NamesOf(DataDependentFitter.PreparedRuns data)
    {
        var lo = data.HLow.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        var hi = data.HHigh.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        string[] quantities = ["log E", "log A/Nbar^alpha", "log B/Dbar^beta", "alpha", "beta"];
        var names = new List<string>(10);
        foreach (var q in quantities)
        {
            names.Add($"{q}(H={lo})");
            names.Add($"{q}(H={hi})");
        }

        return names;
    }

    /// <summary>
    /// log A and log B at each end replaced by the terms' logs at the runs' geometric-mean N and D (log A - alpha mean log N):
    /// A alone is the term at N = 1, far outside the data, so it moves with alpha on any data.
    /// </summary>
    private static double[][] Centred(double[][] thetas, DataDependentFitter.PreparedRuns data)
    {
        double meanLogN = 0, meanLogD = 0;
        foreach (var run in data.Runs)
        {
            meanLogN += Math.Log(run.Parameters) / data.Runs.Count;
            meanLogD += Math.Log(run.Tokens) / data.Runs.Count;
        }

        return [.. thetas.Select(t =>
        {
            var c = (double[])t.Clone();
            for (var end = 0; end < 2; end++)
            {
                c[2 + end] -= c[6 + end] * meanLogN;
                c[4 + end] -= c[8 + end] * meanLogD;
            }

            return c;
        })];
    }

    private static double[] CorrelationMatrix(double[][] thetas)
    {
        const int P = DataDependentObjective.ParameterCount;
        var n = thetas.Length;
        var mean = new double[P];
        foreach (var t in thetas)
        {
            for (var j = 0; j < P; j++)
            {
                mean[j] += t[j] / n;
            }
        }

        var cov = new double[P * P];
        foreach (var t in thetas)
        {
            for (var i = 0; i < P; i++)
            {
                for (var j = 0; j < P; j++)
                {
                    cov[(i * P) + j] += (t[i] - mean[i]) * (t[j] - mean[j]);
                }
            }
        }

        var corr = new double[P * P];
        for (var i = 0; i < P; i++)
        {
            for (var j = 0; j < P; j++)
            {
                var denominator = Math.Sqrt(cov[(i * P) + i] * cov[(j * P) + j]);
                corr[(i * P) + j] = denominator > 0 ? cov[(i * P) + j] / denominator : (i == j ? 1 : 0);
            }
        }

        return corr;
    }

    private static List<IdentifiabilityWarning> FindWarnings(IReadOnlyList<string> names, double[] correlation, double threshold)
    {
        var p = names.Count;
        var warnings = new List<IdentifiabilityWarning>();
        for (var i = 0; i < p; i++)
        {
            for (var j = i + 1; j < p; j++)
            {
                var c = correlation[(i * p) + j];
                if (Math.Abs(c) >= threshold)
                {
                    var how = c > 0 ? "rise and fall together" : "trade off against each other";
                    warnings.Add(new IdentifiabilityWarning(names[i], names[j], c,
                        $"{names[i]} and {names[j]} are not separately identified: across resamples they {how} (correlation {c.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}), so the data fix their combination much better than either alone (read each one's interval with that in mind); runs over a wider range of N and D would separate them"));
                }
            }
        }

        return warnings;
    }
}
