using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Analysis;

public sealed class StudyReportTests
{
    [Fact]
    public void Counts_follow_the_records_and_datasets()
    {
        TrainingRecord[] records =
        [
            StudyReports.Record("a", "1", 10, 100, 3, TrainingRecord.SyntheticDevice),
            StudyReports.Record("a", "2", 20, 100, 3),
            StudyReports.Record("b", "3", 10, 100, 3, TrainingRecord.SyntheticDevice),
        ];
        var fit = new LawFit(ChinchillaParameters.Hoffmann2022);
        DatasetResults[] datasets =
        [
            new("a", 0.3, null, null, records[..2], fit, null),
            new("b", null, null, null, records[2..], null, "too few runs"),
        ];

        var report = StudyReports.Empty(records, datasets);

        Assert.Equal(2, report.SyntheticRecords);
        Assert.Equal(1, report.DatasetsFitted);
        Assert.Equal(0, report.ReferenceFlops);
        // The largest run's C = 6 x 20 x 100, not the top of the (widened) range the figures span.
        Assert.Equal(12_000, (report with { Compute = new ComputeRange(1_200, 120_000) }).ReferenceFlops);
    }

    [Fact]
    public void The_compute_range_spans_the_runs_when_they_cover_more_than_a_decade()
    {
        // C = 6ND: 6e4 and 1.2e6.
        var range = ComputeRange.Of([StudyReports.Record("a", "1", 10, 1000, 3), StudyReports.Record("a", "2", 200, 1000, 3)]);

        Assert.Equal(new ComputeRange(6e4, 1.2e6), range);
    }

    [Fact]
    public void A_compute_range_of_a_decade_or_less_is_widened_by_a_decade_either_side()
    {
        // C = 6e4 and 6e5: exactly a decade.
        var range = ComputeRange.Of([StudyReports.Record("a", "1", 10, 1000, 3), StudyReports.Record("a", "2", 100, 1000, 3)]);

        Assert.Equal(new ComputeRange(6e3, 6e6), range);
        Assert.Null(ComputeRange.Of([]));
    }
}
