using PcfgLab.Floor;
using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>
/// A run's excess loss over its dataset's floor: paired (the floor of exactly its validation documents, document by
/// document) when the record names them, else unpaired against the manifest's floor (other documents). Decided here,
/// once, for the report's table, its sentence on runs below the floor, the excess-loss figures and the saturation rule.
/// </summary>
/// <param name="Mean">Run loss minus floor (nats per token).</param>
/// <param name="StandardError">The excess's standard error: the paired one, or the floor's and the run's combined.</param>
/// <param name="FloorMean">The floor it is measured against.</param>
/// <param name="Paired">Whether the floor is of the run's own validation documents.</param>
/// <param name="IsBelow">Below the floor beyond the 95% sampling error: no model can do that, so the pipeline has a bug.</param>
public sealed record RunExcess(double Mean, double StandardError, double FloorMean, bool Paired, bool IsBelow)
{
    /// <summary>Below the floor's point estimate, but within the sampling error (not a bug).</summary>
    public bool WithinError => Mean < 0 && !IsBelow;

    /// <summary>Above 0 by more than two standard errors: a positive excess a log axis can show.</summary>
    public bool Resolved => Mean > 2 * (double.IsFinite(StandardError) ? StandardError : 0);

    /// <summary>The excess of <paramref name="run"/> in <paramref name="dataset"/>, or null when no floor is known.</summary>
    public static RunExcess? Of(DatasetResults dataset, TrainingRecord run)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(run);
        if (dataset.PairedExcessOf(run) is { } paired)
        {
            return new RunExcess(paired.Mean, paired.StandardError, paired.FloorMean, Paired: true, paired.IsBelow);
        }

        if (dataset.Floor is not { } floor)
        {
            return null;
        }

        var floorError = (floor.Upper95 - floor.Lower95) / (2 * LossFloor.Z95);
        var runError = run.ValidLossStandardError is { } se && double.IsFinite(se) && se >= 0 ? se : 0;
        return new RunExcess(run.FinalValidLoss - floor.Nats, Math.Sqrt((floorError * floorError) + (runError * runError)), floor.Nats, Paired: false, floor.IsBelow(run));
    }
}
