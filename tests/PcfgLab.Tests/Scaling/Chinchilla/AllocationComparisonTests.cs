using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class AllocationComparisonTests
{
    [Fact]
    public void Cpu_grid_gives_approaches_1_and_3_and_says_why_2_does_not_apply()
    {
        var path = Path.Combine(TestSupport.SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var runs = RunRecordReader.Read(path, RunColumnMap.Default);
        var curves = TrainingCurveReader.Read(path);
        var rows = AllocationComparison.Run(runs, curves, new AllocationComparisonOptions { Resamples = 0 });

        Assert.Equal(6, rows.Count);
        Assert.Equal("gzipscale-0.51", rows[4].Dataset);
        Assert.Equal(0.5068359375, rows[4].Compressibility);

        // The figures of the table in docs/scaling.md (Approach 1 from the envelope, Approach 3 from fit --by dataset).
        Assert.Equal(0.384, Math.Round(rows[4].Approach1.Value, 3));
        Assert.Equal(0.446, Math.Round(rows[4].Approach3.Value, 3));
        Assert.All(rows, r => Assert.StartsWith("an IsoFLOP fit needs at least two budgets with a minimum; found 0 of 16", r.Approach2.Missing, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Null(r.Approach3.Missing));
    }

    [Fact]
    public void Without_curves_approach_1_says_so()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 4, tokenCounts: 4);
        var row = Assert.Single(AllocationComparison.Run(runs, null, new AllocationComparisonOptions { Resamples = 0 }));

        Assert.Equal("no per-step training curves", row.Approach1.Missing);
        Assert.Equal(SyntheticRuns.TrueLaw.ParameterAllocationExponent, row.Approach3.Value, 1e-4);
        Assert.True(double.IsNaN(row.Approach3.Lower));
    }
}
