namespace PcfgLab.Scaling;

/// <summary>Options of <see cref="DataDependentFitter"/>.</summary>
public sealed record DataDependentFitOptions
{
    /// <summary>Fit log A and log B as lines in H (A = exp(m H + n)) instead of A and B.</summary>
    public bool LogLinearCoefficients { get; init; }

    /// <summary>Huber threshold on log residuals (Hoffmann et al. 2022 use 1e-3).</summary>
    public double HuberDelta { get; init; } = 1e-3;

    /// <summary>Threads for the multi-start search and the bootstrap; 0 or less uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Grid of alpha at the middle H (the same value at both ends, then tilted by <see cref="ExponentTiltGrid"/>).</summary>
    public IReadOnlyList<double> AlphaGrid { get; init; } = [0.25, 0.5, 1];

    /// <summary>Grid of beta at the middle H.</summary>
    public IReadOnlyList<double> BetaGrid { get; init; } = [0.25, 0.5, 1];

    /// <summary>Grid of log E (the same at both ends).</summary>
    public IReadOnlyList<double> LogEGrid { get; init; } = [-1, 0, 1];

    /// <summary>Grid of log A (the same at both ends).</summary>
    public IReadOnlyList<double> LogAGrid { get; init; } = [0, 6, 12];

    /// <summary>Grid of log B (the same at both ends).</summary>
    public IReadOnlyList<double> LogBGrid { get; init; } = [0, 6, 12];

    /// <summary>Grid of the change of alpha (and independently of beta) from the lowest to the highest H of the data.</summary>
    public IReadOnlyList<double> ExponentTiltGrid { get; init; } = [-0.3, 0, 0.3];

    /// <summary>L-BFGS iterations every start runs before the best are chosen to run to convergence.</summary>
    public int ScreeningIterations { get; init; } = 100;

    /// <summary>How many of the screened starts run to convergence.</summary>
    public int Finalists { get; init; } = 32;

    /// <summary>Also start from the two-step fit (per-dataset Chinchilla fits regressed on H, linearly and in log space).</summary>
    public bool TwoStepStarts { get; init; } = true;

    /// <summary>
    /// Options of the per-dataset Chinchilla fits behind the two-step starts: by default a 243-start grid (alpha, beta in
    /// {0.25, 0.5, 1}, log E in {-1, 0, 1}, log A, log B in {0, 6, 12}), not fit's 4500, to keep the joint fit fast;
    /// they only seed the joint search and are reported beside it.
    /// </summary>
    public FitOptions TwoStepFit { get; init; } = new()
    {
        AlphaGrid = [0.25, 0.5, 1],
        BetaGrid = [0.25, 0.5, 1],
        LogEGrid = [-1, 0, 1],
        LogAGrid = [0, 6, 12],
        LogBGrid = [0, 6, 12],
    };

    /// <summary>
    /// Each dataset's own Chinchilla fit, by dataset name, made by the caller (a sweep report fits every dataset once
    /// with its full grid): the two-step regression and starts then use these laws instead of refitting with
    /// <see cref="TwoStepFit"/>, so the report shows one fit per dataset. Null: fit each dataset with <see cref="TwoStepFit"/>.
    /// A dataset missing from the map is fitted with <see cref="TwoStepFit"/>.
    /// </summary>
    public IReadOnlyDictionary<string, ChinchillaParameters>? TwoStepLaws { get; init; }
}

/// <summary>One dataset of a joint fit.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Compressibility">The median H of its runs.</param>
/// <param name="Runs">Its number of runs.</param>
/// <param name="Law">Its own Chinchilla fit (the two-step procedure's first step), when one was made.</param>
public sealed record DataDependentDataset(string Name, double Compressibility, int Runs, ChinchillaParameters? Law);

/// <summary>A joint fit of the data-dependent law.</summary>
/// <param name="Law">The fitted lines.</param>
/// <param name="HLow">Lowest dataset H (E, A, B are constrained positive from here...).</param>
/// <param name="HHigh">...to the highest).</param>
/// <param name="Objective">Sum of Huber losses of the log residuals at the optimum.</param>
/// <param name="Converged">Whether the winning start ended at a stationary point.</param>
/// <param name="GradientNorm">Infinity norm of the gradient at the optimum (in the internal parameters).</param>
/// <param name="Runs">Runs fitted.</param>
/// <param name="Datasets">The datasets, in order of H.</param>
/// <param name="Starts">Starts tried (grid plus two-step).</param>
/// <param name="ConvergedStarts">Finalists (the screened starts run to convergence) that met the screening tolerance.</param>
/// <param name="BestStart">Index of the winning start.</param>
/// <param name="BestStartKind"><c>grid</c>, <c>two-step</c> (linear regression of the per-dataset fits) or <c>two-step-log</c> (log A, log B, log E regressed).</param>
/// <param name="Rmse">Root mean square error of L.</param>
/// <param name="MeanRelativeError">Mean of |L_hat - L| / L.</param>
/// <param name="TwoStep">The two-step regression (the study's Table 3), when every dataset could be fitted alone.</param>
/// <param name="Evaluations">Objective evaluations over all starts (cost diagnostics).</param>
/// <param name="TwoStepObjective">The joint objective of the two-step law (its lines used as the joint law), NaN without one; infinite where it predicts a non-positive loss.</param>
public sealed record DataDependentFit(
    JointLaw Law,
    double HLow,
    double HHigh,
    double Objective,
    bool Converged,
    double GradientNorm,
    int Runs,
    IReadOnlyList<DataDependentDataset> Datasets,
    int Starts,
    int ConvergedStarts,
    int BestStart,
    string BestStartKind,
    double Rmse,
    double MeanRelativeError,
    CompressibilityRegression? TwoStep,
    double TwoStepObjective,
    long Evaluations)
{
    /// <summary>The optimum in the objective's internal parameters (see <see cref="DataDependentObjective"/>).</summary>
    internal double[] Theta { get; init; } = [];
}

/// <summary>
/// Fits L(N, D, H) = E(H) + A(H)/N^alpha(H) + B(H)/D^beta(H), every parameter a line in H, to the runs of all datasets
/// at once: the Huber-on-log-loss objective of <see cref="ChinchillaFitter"/>, L-BFGS from a grid over the ten
/// parameters and from the two-step fit, keeping the lowest objective (ties to the lowest start index).
/// </summary>
public static class DataDependentFitter
{
    /// <summary>Fits the law.</summary>
    /// <exception cref="UserInputException">A run without H, fewer than two distinct H, too few runs, or one N or D only.</exception>
    public static DataDependentFit Fit(IReadOnlyList<FitRun> runs, DataDependentFitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = Prepare(runs);
        var objective = data.CreateObjective(options.LogLinearCoefficients, options.HuberDelta);

        var grid = BuildGrid(options);
        var gridCount = grid.Length / DataDependentObjective.ParameterCount;
        var datasets = data.Datasets;
        CompressibilityRegression? twoStep = null;
        var starts = grid;
        if (options.TwoStepStarts)
        {
            var laws = TwoStepLaws(data, options.TwoStepFit, options.TwoStepLaws, cancellationToken);
            if (laws is not null)
            {
                datasets = [.. datasets.Select((d, i) => d with { Law = laws[i] })];
                var points = datasets.Select(d => new DatasetLaw(d.Name, d.Compressibility, d.Law!)).ToList();
                twoStep = CompressibilityRegression.Fit(points);
                double[] linear = ToTheta(data, LinesOf(twoStep), fromLogLines: false);
                double[] logs = ToTheta(data, LogLinesOf(points), fromLogLines: true);
                starts = [.. grid, .. linear, .. logs];
            }
        }

        // The two-step starts (the last two) always run to convergence: see ScreenedMultiStart.
        var best = ScreenedMultiStart.Minimize(objective, starts, options.ScreeningIterations, options.Finalists, options.MaxDegreeOfParallelism, cancellationToken, alwaysFinal: starts.Length - grid.Length > 0 ? 2 : 0);
        var law = FromTheta(best.Theta, data.HLow, data.HHigh, options.LogLinearCoefficients);
        var quality = GoodnessOfFit.Of(data.Runs, r => law.Loss(r.Parameters, r.Tokens, data.HOf(r)));
        var kind = best.BestStart < gridCount ? "grid" : best.BestStart == gridCount ? "two-step" : "two-step-log";
        var twoStepObjective = twoStep is null ? double.NaN : Objective(data.Runs, new JointLaw(Line(twoStep.E), Line(twoStep.A), Line(twoStep.B), Line(twoStep.Alpha), Line(twoStep.Beta), false), options.HuberDelta);
        return new DataDependentFit(law, data.HLow, data.HHigh, best.Objective, best.Converged, best.GradientNorm, data.Runs.Count, datasets,
            best.Starts, best.ConvergedStarts, best.BestStart, kind, quality.Rmse, quality.MeanRelativeError, twoStep, twoStepObjective, best.TotalEvaluations)
        {
            Theta = best.Theta,
        };
    }

    /// <summary>The joint objective of a given law on <paramref name="runs"/> (to score the two-step law on the same scale).</summary>
    public static double Objective(IReadOnlyList<FitRun> runs, JointLaw law, double huberDelta = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(law);
        var data = Prepare(runs);
        double total = 0;
        foreach (var run in data.Runs)
        {
            var p = law.At(data.HOf(run));
            var prediction = p.Loss(run.Parameters, run.Tokens);
            total += prediction > 0 ? HuberLogObjective.Huber(Math.Log(prediction) - Math.Log(run.Loss), huberDelta) : double.PositiveInfinity;
        }

        return total;
    }

    /// <summary>Runs grouped by dataset in order of H, with the log quantities the objective needs.</summary>
    internal sealed class PreparedRuns
    {
        public required List<FitRun> Runs { get; init; }

        public required List<DataDependentDataset> Datasets { get; init; }

        public required int[] GroupStart { get; init; }

        public required double HLow { get; init; }

        public required double HHigh { get; init; }

        public required Dictionary<string, double> H { get; init; }

        public double HOf(FitRun run) => H[run.Dataset];

        public double U(double h) => (h - HLow) / (HHigh - HLow);

        public DataDependentObjective CreateObjective(bool logLinear, double delta) => Subset(null, logLinear, delta);

        /// <summary>The objective on the runs with the given indices (grouped as they come), or on all runs.</summary>
        public DataDependentObjective Subset(int[]? indices, bool logLinear, double delta)
        {
            var count = indices?.Length ?? Runs.Count;
            var logN = new double[count];
            var logD = new double[count];
            var logL = new double[count];
            var groupU = new List<double>();
            var groupStart = new List<int>();
            var previous = double.NaN;
            for (var k = 0; k < count; k++)
            {
                var run = Runs[indices?[k] ?? k];
                var u = U(HOf(run));
                if (k == 0 || u != previous)
                {
                    groupU.Add(u);
                    groupStart.Add(k);
                    previous = u;
                }

                logN[k] = Math.Log(run.Parameters);
                logD[k] = Math.Log(run.Tokens);
                logL[k] = Math.Log(run.Loss);
            }

            groupStart.Add(count);
            return new DataDependentObjective(logN, logD, logL, [.. groupU], [.. groupStart], logLinear, delta);
        }
    }

    internal static PreparedRuns Prepare(IReadOnlyList<FitRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
        {
            if (run.Compressibility is null)
            {
                throw new UserInputException($"run at data row {run.Row} (dataset '{run.Dataset}') has no compressibility H; the data-dependent form needs H on every run ({new Parameter("RunColumnMap.Compressibility")} COLUMN)");
            }
        }

        if (runs.Count <= DataDependentObjective.ParameterCount)
        {
            throw new UserInputException($"the input has {runs.Count} usable runs; the data-dependent fit has {DataDependentObjective.ParameterCount} parameters and needs more runs than that");
        }

        ChinchillaFitter.Validate(runs, "the input");
        var h = new Dictionary<string, double>(StringComparer.Ordinal);
        var datasets = new List<DataDependentDataset>();
        foreach (var group in runs.GroupBy(r => r.Dataset, StringComparer.Ordinal))
        {
            var values = group.Select(r => r.Compressibility!.Value).Order().ToArray();
            var mid = values.Length / 2;
            var median = values.Length % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
            h[group.Key] = median;
            datasets.Add(new DataDependentDataset(group.Key, median, values.Length, null));
        }

        datasets = [.. datasets.OrderBy(d => d.Compressibility).ThenBy(d => d.Name, StringComparer.Ordinal)];
        var low = datasets[0].Compressibility;
        var high = datasets[^1].Compressibility;
        if (!(high > low))
        {
            throw new UserInputException($"every dataset has the same compressibility H = {low.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}; the data-dependent fit needs datasets of at least two different H");
        }

        var order = datasets.Select((d, i) => (d.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        // Within a dataset the runs keep the canonical order (N, D, loss) whatever the input order: the objective's sums
        // and the bootstrap's draws by position then give the same fit for the same runs in any order.
        var sorted = ScalingFitPipeline.InCanonicalOrder(runs).OrderBy(r => order[r.Dataset]).ToList();
        var groupStart = new int[datasets.Count + 1];
        var k = 0;
        for (var g = 0; g < datasets.Count; g++)
        {
            groupStart[g] = k;
            k += datasets[g].Runs;
        }

        groupStart[^1] = k;
        return new PreparedRuns { Runs = sorted, Datasets = datasets, GroupStart = groupStart, HLow = low, HHigh = high, H = h };
    }

    /// <summary>The grid, flattened as theta per start (see <see cref="DataDependentObjective"/>).</summary>
    internal static double[] BuildGrid(DataDependentFitOptions options)
    {
        var starts = new List<double>();
        foreach (var alpha in options.AlphaGrid)
        {
            foreach (var beta in options.BetaGrid)
            {
                foreach (var e in options.LogEGrid)
                {
                    foreach (var a in options.LogAGrid)
                    {
                        foreach (var b in options.LogBGrid)
                        {
                            foreach (var tiltAlpha in options.ExponentTiltGrid)
                            {
                                foreach (var tiltBeta in options.ExponentTiltGrid)
                                {
                                    starts.AddRange([e, e, a, a, b, b, alpha - (0.5 * tiltAlpha), alpha + (0.5 * tiltAlpha), beta - (0.5 * tiltBeta), beta + (0.5 * tiltBeta)]);
                                }
                            }
                        }
                    }
                }
            }
        }

        return [.. starts];
    }

    internal static JointLaw FromTheta(ReadOnlySpan<double> theta, double low, double high, bool logLinear)
    {
        LineInH Line(double x0, double x1) => LineInH.Through(low, x0, high, x1);
        return new JointLaw(
            Line(Math.Exp(theta[0]), Math.Exp(theta[1])),
            logLinear ? Line(theta[2], theta[3]) : Line(Math.Exp(theta[2]), Math.Exp(theta[3])),
            logLinear ? Line(theta[4], theta[5]) : Line(Math.Exp(theta[4]), Math.Exp(theta[5])),
            Line(theta[6], theta[7]),
            Line(theta[8], theta[9]),
            logLinear);
    }

    /// <summary>
    /// Theta from five lines (E, A, B, alpha, beta), or with <paramref name="fromLogLines"/> (log E, log A, log B,
    /// alpha, beta); coefficients are clamped to be positive at both ends of the data's H.
    /// </summary>
    private static double[] ToTheta(PreparedRuns data, LineInH[] lines, bool fromLogLines)
    {
        var theta = new double[DataDependentObjective.ParameterCount];
        double[] ends = [data.HLow, data.HHigh];
        for (var end = 0; end < 2; end++)
        {
            var h = ends[end];
            for (var q = 0; q < 3; q++)
            {
                var value = lines[q].At(h);
                double log;
                if (fromLogLines)
                {
                    log = value;
                }
                else
                {
                    // A line that goes negative at an end of the data cannot start the positive parameterisation: clamp.
                    var scale = Math.Max(Math.Abs(lines[q].At(data.HLow)), Math.Abs(lines[q].At(data.HHigh)));
                    log = Math.Log(Math.Max(value, 1e-3 * Math.Max(scale, 1e-12)));
                }

                // E is always e^theta at the ends; A and B are too, except in the log-linear variant where theta is log A itself.
                theta[(2 * q) + end] = log;
            }

            theta[6 + end] = lines[3].At(h);
            theta[8 + end] = lines[4].At(h);
        }

        return theta;
    }

    private static LineInH Line(LinearFit f) => new(f.Slope, f.Intercept);

    private static LineInH[] LinesOf(CompressibilityRegression r) =>
        [new(r.E.Slope, r.E.Intercept), new(r.A.Slope, r.A.Intercept), new(r.B.Slope, r.B.Intercept), new(r.Alpha.Slope, r.Alpha.Intercept), new(r.Beta.Slope, r.Beta.Intercept)];

    private static LineInH[] LogLinesOf(List<DatasetLaw> points)
    {
        var h = points.Select(p => p.Compressibility).ToArray();
        LineInH On(Func<ChinchillaParameters, double> value)
        {
            var fit = LinearFit.Of(h, points.Select(p => value(p.Law)).ToArray());
            return new LineInH(fit.Slope, fit.Intercept);
        }

        return [On(p => Math.Log(p.E)), On(p => Math.Log(p.A)), On(p => Math.Log(p.B)), On(p => p.Alpha), On(p => p.Beta)];
    }

    /// <summary>Each dataset's own Chinchilla fit, or null when one cannot be fitted alone (too few runs, one N or one D).</summary>
    private static ChinchillaParameters[]? TwoStepLaws(PreparedRuns data, FitOptions options, IReadOnlyDictionary<string, ChinchillaParameters>? given, CancellationToken cancellationToken)
    {
        var laws = new ChinchillaParameters[data.Datasets.Count];
        for (var g = 0; g < laws.Length; g++)
        {
            if (given is not null && given.TryGetValue(data.Datasets[g].Name, out var law))
            {
                laws[g] = law;
                continue;
            }

            var runs = data.Runs.GetRange(data.GroupStart[g], data.GroupStart[g + 1] - data.GroupStart[g]);
            try
            {
                laws[g] = ChinchillaFitter.Fit(runs, options, cancellationToken).Parameters;
            }
            catch (UserInputException)
            {
                return null;
            }
        }

        return laws;
    }
}
