namespace PcfgLab.Analysis;

/// <summary>
/// When a dataset is a saturated control, reported and not fitted: every trained run is within
/// <see cref="MaxExcess"/> nats of the floor, so the law's terms A/N^alpha and B/D^beta are below what the runs resolve
/// and any fit of them measures noise (gzipscale-0.11 on the CPU grid had two optima of equal objective, alpha -0.44
/// and 5.07).
/// </summary>
public static class SaturationRule
{
    /// <summary>A dataset whose largest run excess over its floor is below this (nats per token) is saturated.</summary>
    public const double MaxExcess = 0.05;

    /// <summary>The rule in words, printed with the report's fits.</summary>
    public static string Rule { get; } = System.FormattableString.Invariant(
        $"A dataset is a **saturated control**, reported and not fitted, when every run trained on it is within {MaxExcess} nats of its floor: the law's terms are then below what the runs resolve.");

    /// <summary>Why <paramref name="dataset"/> is a saturated control, or null when it is not (or has no floor or no trained run).</summary>
    public static string? Saturated(DatasetResults dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var largest = double.NegativeInfinity;
        var runs = 0;
        foreach (var run in dataset.Records)
        {
            if (run.IsSynthetic || RunExcess.Of(dataset, run) is not { } excess)
            {
                continue;
            }

            runs++;
            largest = Math.Max(largest, excess.Mean);
        }

        return runs > 0 && largest < MaxExcess
            ? System.FormattableString.Invariant($"saturated control: all {runs} runs are within {MaxExcess} nats of the floor (largest excess {largest:0.0000}): reported, not fitted")
            : null;
    }
}
