namespace PcfgLab.Scaling;

/// <summary>An allocation exponent a (N_opt proportional to C^a) with its 95% interval, or why there is none.</summary>
/// <param name="Value">The estimate, or NaN.</param>
/// <param name="Lower">2.5th bootstrap percentile (NaN without a bootstrap).</param>
/// <param name="Upper">97.5th bootstrap percentile.</param>
/// <param name="Missing">Why there is no estimate (null when there is one).</param>
public sealed record ExponentEstimate(double Value, double Lower, double Upper, string? Missing = null)
{
    /// <summary>The N_opt exponent of an Approach 1 or 2 fit.</summary>
    public static ExponentEstimate From(IsoFlopFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new(fit.Parameters.Exponent, fit.Parameters.ExponentLower, fit.Parameters.ExponentUpper);
    }

    /// <summary>a = beta/(alpha + beta) of an Approach 3 fit, with the bootstrap's interval of a when given.</summary>
    public static ExponentEstimate From(ChinchillaFit fit, BootstrapResult? bootstrap)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var a = bootstrap?["a"];
        return new(fit.Parameters.ParameterAllocationExponent, a?.Lower ?? double.NaN, a?.Upper ?? double.NaN);
    }

    /// <summary>No estimate, with the reason.</summary>
    public static ExponentEstimate None(string reason) => new(double.NaN, double.NaN, double.NaN, reason);
}

/// <summary>One dataset's allocation exponent by the three approaches.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Compressibility">Median H of its runs, when known.</param>
/// <param name="Approach1">Lower envelope of training curves.</param>
/// <param name="Approach2">IsoFLOP profiles.</param>
/// <param name="Approach3">The Chinchilla fit's a = beta/(alpha + beta).</param>
public sealed record AllocationRow(string Dataset, double? Compressibility, ExponentEstimate Approach1, ExponentEstimate Approach2, ExponentEstimate Approach3);

/// <summary>Options of <see cref="AllocationComparison"/>.</summary>
internal sealed record AllocationComparisonOptions
{
    /// <summary>Bootstrap resamples for every approach (0: point estimates only).</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads; 0 or less uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Approach 2's budget binning (null: runs of equal C).</summary>
    public double? BinWidthDecades { get; init; }

    /// <summary>Approach 2's minimum.</summary>
    public IsoFlopMinimum Method { get; init; } = IsoFlopMinimum.Parabola;

    /// <summary>
    /// Approach 3's estimates made by the caller, by dataset name (from a report's one fit of each dataset, with its
    /// bootstrap interval of a); a dataset not in the map is fitted here.
    /// </summary>
    public IReadOnlyDictionary<string, ExponentEstimate>? Approach3 { get; init; }
}

/// <summary>
/// The three approaches' allocation exponents side by side per dataset, for a report: Approach 1 from the training
/// curves (when given), Approach 2 from the final losses, Approach 3 from the Chinchilla fit. An approach that does not
/// apply to a dataset (no shared budgets, too few sizes) gets its reason instead of a number.
/// </summary>
internal static class AllocationComparison
{
    /// <summary>Compares the approaches on each dataset of <paramref name="runs"/> (and <paramref name="curves"/>, matched by dataset name).</summary>
    public static IReadOnlyList<AllocationRow> Run(IReadOnlyList<FitRun> runs, IReadOnlyList<TrainingCurve>? curves, AllocationComparisonOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        var rows = new List<AllocationRow>();
        foreach (var group in runs.GroupBy(r => r.Dataset, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var h = members.Where(r => r.Compressibility.HasValue).Select(r => r.Compressibility!.Value).Order().ToArray();
            double? median = h.Length == 0 ? null : h.Length % 2 == 1 ? h[h.Length / 2] : 0.5 * (h[(h.Length / 2) - 1] + h[h.Length / 2]);

            ExponentEstimate one;
            var mine = curves?.Where(c => c.Dataset == group.Key).ToList();
            if (mine is null || mine.Count == 0)
            {
                one = ExponentEstimate.None("no per-step training curves");
            }
            else
            {
                one = Try(() => ExponentEstimate.From(EnvelopeFitter.Fit(mine, new EnvelopeOptions { Resamples = options.Resamples, Seed = options.Seed, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, cancellationToken)));
            }

            var two = Try(() => ExponentEstimate.From(IsoFlopFitter.Fit(members, new IsoFlopOptions { Resamples = options.Resamples, Seed = options.Seed, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, BinWidthDecades = options.BinWidthDecades, Method = options.Method }, cancellationToken)));
            var three = options.Approach3 is not null && options.Approach3.TryGetValue(group.Key, out var given) ? given : Try(() =>
            {
                var fit = ChinchillaFitter.Fit(members, new FitOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, cancellationToken);
                var boot = options.Resamples >= 2 ? Bootstrap.Run(members, fit, new BootstrapOptions { Resamples = options.Resamples, Seed = options.Seed, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, cancellationToken: cancellationToken) : null;
                return ExponentEstimate.From(fit, boot);
            });
            rows.Add(new AllocationRow(group.Key, median, one, two, three));
        }

        return rows;
    }

    private static ExponentEstimate Try(Func<ExponentEstimate> estimate)
    {
        try
        {
            return estimate();
        }
        catch (UserInputException ex)
        {
            // The reason names the option as `pcfglab isoflop` does, the command that reproduces Approach 2.
            return ExponentEstimate.None(ex.Render(name => name == nameof(IsoFlopOptions.BinWidthDecades) ? "`pcfglab isoflop --bin-width`" : new Parameter(name).ToString()));
        }
    }
}
