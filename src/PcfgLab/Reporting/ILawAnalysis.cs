using PcfgLab.Sweeps;

namespace PcfgLab.Reporting;

/// <summary>The statistics the report needs: a law per dataset and a line per parameter against H.</summary>
public interface ILawAnalysis
{
    /// <summary>Fits L(N, D) to one dataset's records (final validation loss); throws <see cref="UserInputException"/> when they cannot identify a law.</summary>
    LawFit Fit(string dataset, IReadOnlyList<TrainingRecord> records, CancellationToken cancellationToken);

    /// <summary>Regresses <paramref name="values"/> of <paramref name="parameter"/> on compressibilities <paramref name="h"/> (at least two points).</summary>
    ParameterTrend Regress(string parameter, IReadOnlyList<double> h, IReadOnlyList<double> values);
}
