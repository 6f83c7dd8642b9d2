using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Analysis;

public sealed class IdentifiedFitterTests
{
    /// <summary>The floors of the committed CPU datasets (Golden/generate-gzipscale-*.dataset.json, "floor"."nats").</summary>
    private static readonly Dictionary<string, double> Floors = new()
    {
        ["gzipscale-0.11"] = 0.49100,
        ["gzipscale-0.22"] = 1.01460,
        ["gzipscale-0.35"] = 1.10860,
        ["gzipscale-0.42"] = 0.74020,
        ["gzipscale-0.51"] = 0.39220,
        ["gzipscale-0.61"] = 0.33640,
    };

    /// <summary>A known law, E = 1, A = 400, B = 300, alpha = 0.4, beta = 0.3, on a 6 x 6 grid with a 0.1% zig-zag.</summary>
    private static List<TrainingRecord> KnownLaw()
    {
        var law = new ChinchillaParameters(1.0, 400, 300, 0.4, 0.3);
        var records = new List<TrainingRecord>();
        var k = 0;
        foreach (var n in new long[] { 1_000_000, 3_000_000, 10_000_000, 30_000_000, 100_000_000, 300_000_000 })
        {
            foreach (var d in new long[] { 10_000_000, 30_000_000, 100_000_000, 300_000_000, 1_000_000_000, 3_000_000_000 })
            {
                var noise = 1 + (0.001 * ((k++ % 3) - 1));
                records.Add(new TrainingRecord { CellId = $"c{k}", Dataset = "known", Device = "cpu", Parameters = n, Tokens = d, FinalValidLoss = law.Loss(n, d) * noise });
            }
        }

        return records;
    }

    [Fact]
    public void KnownLawWithEAtItsFloorIsIdentifiedNearItsParameters()
    {
        var id = IdentifiedFitter.Fit("known", KnownLaw(), 1.0, ScalingAnalysis.CoarseGrid, 200, 7, CancellationToken.None);

        Assert.Null(id.CompetingOptimum);
        Assert.Equal(1.0, id.FixedE);
        Assert.True(id.Estimate("E")!.FixedAtFloor);
        foreach (var (name, truth) in new[] { ("alpha", 0.4), ("beta", 0.3), ("a", 0.3 / 0.7) })
        {
            var e = id.Estimate(name)!;
            Assert.True(e.Identified, $"{name}: {e.NotIdentified}");
            Assert.Equal(truth, e.Value, 0.02);
            Assert.InRange(truth, e.Lower!.Value, e.Upper!.Value);
        }

        Assert.Equal(200, id.Resamples.Count);
    }

    [Fact]
    public void TheSameFitIsTheSameWhateverTheThreadCount()
    {
        var one = IdentifiedFitter.Fit("known", KnownLaw(), 1.0, ScalingAnalysis.CoarseGrid with { MaxDegreeOfParallelism = 1 }, 20, 7, CancellationToken.None);
        var many = IdentifiedFitter.Fit("known", KnownLaw(), 1.0, ScalingAnalysis.CoarseGrid with { MaxDegreeOfParallelism = 4 }, 20, 7, CancellationToken.None);

        Assert.Equal(one.Estimates, many.Estimates);
    }

    [Fact]
    public void Cpu011WithEAtTheFloorHasTwoEqualOptima()
    {
        // The issue: gzipscale-0.11 has two optima of the same RMSE; the report used one here and the other there.
        var records = CpuRecords("gzipscale-0.11");
        var id = IdentifiedFitter.Fit("gzipscale-0.11", records, Floors["gzipscale-0.11"], new FitOptions(), 20, 1, CancellationToken.None);

        Assert.StartsWith("two optima of equal objective", id.CompetingOptimum, StringComparison.Ordinal);
        Assert.All(new[] { "alpha", "beta", "a" }, name => Assert.Equal(id.CompetingOptimum, id.Estimate(name)!.NotIdentified));
    }

    [Fact]
    public void NoCommittedCpuDatasetIdentifiesAlpha()
    {
        foreach (var (dataset, floor) in Floors)
        {
            // The report's full grid of starts (the coarse grid finds another optimum on 0.22).
            var id = IdentifiedFitter.Fit(dataset, CpuRecords(dataset), floor, new FitOptions(), 200, 1, CancellationToken.None);

            Assert.False(id.Estimate("alpha")!.Identified, $"{dataset}: alpha {id.Estimate("alpha")}");
            Assert.Equal(16, id.Fit.Runs);
        }
    }

    [Fact]
    public void WithoutABootstrapNothingIsIdentified()
    {
        var id = IdentifiedFitter.Fit("known", KnownLaw(), 1.0, ScalingAnalysis.CoarseGrid, 0, 7, CancellationToken.None);

        Assert.Equal("no bootstrap interval", id.Estimate("alpha")!.NotIdentified);
        Assert.Empty(id.Resamples);
    }

    internal static IReadOnlyList<TrainingRecord> CpuRecords(string dataset)
    {
        var problems = new List<string>();
        var records = TrainingRecordStore.Read([Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl")], problems);
        Assert.Empty(problems);
        return [.. records.Where(r => r.Dataset == dataset)];
    }
}
