namespace PcfgLab.Reporting;

/// <summary>What <see cref="ReportWriter"/> reads and where it writes.</summary>
public sealed record ReportOptions
{
    /// <summary>Results files (JSON Lines of run records); when a cell appears twice, the later record wins.</summary>
    public required IReadOnlyList<string> ResultsFiles { get; init; }

    /// <summary>Failures files written by <c>pcfglab sweep train</c>; the missing-cells table shows each cell's last failure.</summary>
    public IReadOnlyList<string> FailuresFiles { get; init; } = [];

    /// <summary>The plan, to list the cells without a record and to find the datasets; optional.</summary>
    public string? PlanPath { get; init; }

    /// <summary>The report folder: report.md and figures/.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Who is writing, quoted to a second run that finds the folder locked.</summary>
    public string Owner { get; init; } = "pcfglab sweep report";

    /// <summary>Bootstrap resamples of each dataset's runs for parameter intervals (0: none).</summary>
    public int BootstrapSamples { get; init; }

    /// <summary>Seed of the bootstrap.</summary>
    public int Seed { get; init; }

    /// <summary>Documents sampled per dataset for the gzip histograms, when the dataset's Parquet files can be read.</summary>
    public int GzipSampleDocuments { get; init; } = 1000;
}

/// <summary>What a report contains, for the command line's summary and for tests.</summary>
/// <param name="MarkdownPath">The report.md written.</param>
/// <param name="Records">Run records read.</param>
/// <param name="SyntheticRecords">Of those, records made by the synthetic trainer.</param>
/// <param name="DatasetsFitted">Datasets with a fitted law.</param>
/// <param name="MissingCells">Plan cells without a record, or null without a plan.</param>
/// <param name="Figures">Every figure file written (PNG and SVG).</param>
/// <param name="Datasets">Per-dataset results.</param>
/// <param name="Trends">The parameter-against-H lines (empty with fewer than two fitted datasets).</param>
public sealed record ReportSummary(
    string MarkdownPath,
    int Records,
    int SyntheticRecords,
    int DatasetsFitted,
    int? MissingCells,
    IReadOnlyList<string> Figures,
    IReadOnlyList<DatasetResults> Datasets,
    IReadOnlyList<ParameterTrend> Trends);
