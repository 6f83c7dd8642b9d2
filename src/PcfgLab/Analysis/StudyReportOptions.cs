namespace PcfgLab.Analysis;

/// <summary>What <see cref="StudyReportBuilder"/> reads.</summary>
public sealed record StudyReportOptions
{
    /// <summary>Results files (JSON Lines of run records); when a cell appears twice, the later record wins.</summary>
    public required IReadOnlyList<string> ResultsFiles { get; init; }

    /// <summary>Failures files written by <c>pcfglab sweep train</c>; the missing-cells table shows each cell's last failure.</summary>
    public IReadOnlyList<string> FailuresFiles { get; init; } = [];

    /// <summary>The plan, to list the cells without a record and to find the datasets; optional.</summary>
    public string? PlanPath { get; init; }

    /// <summary>Bootstrap resamples of each dataset's runs for parameter intervals (0: none).</summary>
    public int BootstrapSamples { get; init; }

    /// <summary>Seed of the bootstrap.</summary>
    public ulong Seed { get; init; }

    /// <summary>Documents sampled per dataset for the gzip histograms, when the dataset's Parquet files can be read.</summary>
    public int GzipSampleDocuments { get; init; } = 1000;
}
