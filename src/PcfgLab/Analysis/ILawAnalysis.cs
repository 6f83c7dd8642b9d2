using PcfgLab.Sweeps;

namespace PcfgLab.Analysis;

/// <summary>The fit the report needs per dataset (the regression on H is <see cref="Analysis.ScalingStudy"/>'s, not replaceable).</summary>
public interface ILawAnalysis
{
    /// <summary>Fits L(N, D) to one dataset's records (final validation loss); throws <see cref="UserInputException"/> when they cannot identify a law.</summary>
    LawFit Fit(string dataset, IReadOnlyList<TrainingRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// Fits one dataset with E fixed at <paramref name="fixedE"/> (or free when null), with bootstrap resamples kept
    /// for the two-step resampling, and judges each parameter by <see cref="IdentificationRules"/>; null when this
    /// analysis does not identify (the report then says so).
    /// </summary>
    DatasetIdentification? Identify(string dataset, IReadOnlyList<TrainingRecord> records, double? fixedE, CancellationToken cancellationToken) => null;

}
