using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>The fit the report needs per dataset (the regression on H is <see cref="Analysis.ScalingStudy"/>'s, not replaceable).</summary>
public interface ILawAnalysis
{
    /// <summary>Fits L(N, D) to one dataset's records (final validation loss); throws <see cref="UserInputException"/> when they cannot identify a law.</summary>
    LawFit Fit(string dataset, IReadOnlyList<TrainingRecord> records, CancellationToken cancellationToken);

}
