using PcfgLab.Analysis;
using PcfgLab.Floor;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Analysis;

public sealed class RunExcessTests
{
    private static readonly DatasetFloorInfo ManifestFloor = new(1.0, 0.99, 1.01, null, null, null);

    internal static DatasetResults Dataset(IReadOnlyList<TrainingRecord> runs, DocumentFloor? validationFloor = null) =>
        new("d", 0.4, null, null, runs, null, null, ManifestFloor, validationFloor);

    internal static TrainingRecord Paired(double[] losses, long first = 10) => new()
    {
        CellId = "c" + first, Dataset = "d", Device = "cpu", Parameters = 1000, Tokens = 100_000,
        FinalValidLoss = losses.Average(),
        ValidDocumentRanges = [[first, first + losses.Length]],
        ValidDocumentLosses = [.. losses.Select(l => (double?)l)],
    };

    internal static DocumentFloor Floor(double[] losses, long first = 10) =>
        new([.. Enumerable.Range(0, losses.Length).Select(i => first + i)], losses, losses.Average(), 0.001);

    [Fact]
    public void A_run_naming_its_documents_is_compared_document_by_document()
    {
        var run = Paired([1.3, 1.5, 1.1, 1.2]);
        var dataset = Dataset([run], Floor([1.0, 1.2, 1.0, 1.0]));

        var excess = RunExcess.Of(dataset, run)!;

        Assert.True(excess.Paired);
        Assert.Equal(0.225, excess.Mean, 12);
        Assert.Equal(1.05, excess.FloorMean, 12);
        // The differences 0.3, 0.3, 0.1, 0.2: sample sd 0.09574, standard error 0.04787.
        Assert.Equal(0.0478714, excess.StandardError, 6);
        Assert.False(excess.IsBelow);
        Assert.True(excess.Resolved);
    }

    [Fact]
    public void An_older_record_is_compared_unpaired_with_both_errors()
    {
        var run = new TrainingRecord { CellId = "old", Dataset = "d", Device = "cpu", Parameters = 1000, Tokens = 100_000, FinalValidLoss = 0.99, ValidLossStandardError = 0.004 };

        var excess = RunExcess.Of(Dataset([run]), run)!;

        Assert.False(excess.Paired);
        Assert.Equal(-0.01, excess.Mean, 12);
        var floorError = 0.01 / 1.959963984540054;
        Assert.Equal(Math.Sqrt((floorError * floorError) + (0.004 * 0.004)), excess.StandardError, 12);
        // 0.01 < 1.96 x 0.0065 = 0.0127: under the point estimate, within the error.
        Assert.False(excess.IsBelow);
        Assert.True(excess.WithinError);
        Assert.False(excess.Resolved);
    }

    [Fact]
    public void A_run_far_below_the_floor_is_below()
    {
        var run = Paired([0.5, 0.6, 0.55, 0.5]);
        var excess = RunExcess.Of(Dataset([run], Floor([1.0, 1.2, 1.0, 1.0])), run)!;

        Assert.True(excess.IsBelow);
        Assert.False(excess.WithinError);
    }

    [Fact]
    public void Without_a_floor_there_is_no_excess()
    {
        var run = Paired([1.3]);
        var dataset = new DatasetResults("d", 0.4, null, null, [run], null, null);

        Assert.Null(RunExcess.Of(dataset, run));
    }
}
