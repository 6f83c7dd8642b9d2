using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class PlanCellTests
{
    private static PlanCell Cell(string datasetPath) => new()
    {
        CellId = PlanCell.MakeId("gzipscale-0.35", new LlamaShape(256, 512, 6, 4), 5_000_000, 2),
        Dataset = "gzipscale-0.35",
        DatasetPath = datasetPath,
        Shape = new LlamaShape(256, 512, 6, 4),
        Training = TrainingSettings.Study,
    };

    [Fact]
    public void MakeId_joins_dataset_shape_tokens_and_seed()
    {
        Assert.Equal("gzipscale-0.35__h256-i512-l6-a4__D5000000__s2", Cell("x").CellId);
    }

    [Fact]
    public void A_relative_dataset_path_is_relative_to_the_plan_folder()
    {
        var planFolder = Path.Combine(Path.GetTempPath(), "plans", "study");
        var resolved = Cell("../data/gzipscale-0.35").ResolveDatasetPath(Path.Combine(planFolder, "plan.jsonl"));

        Assert.Equal(Path.GetFullPath(Path.Combine(Path.GetTempPath(), "plans", "data", "gzipscale-0.35")), resolved);
    }

    [Fact]
    public void An_absolute_dataset_path_is_kept()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "somewhere", "gzipscale-0.35");
        Assert.Equal(absolute, Cell(absolute).ResolveDatasetPath("plan.jsonl"));
    }

    [Theory]
    [InlineData("gzipscale-0.35__h4-i8-l1-a1__D200000__s0__lr0.04", true)]
    [InlineData("gzipscale-0.35__h4-i8-l1-a1__D200000__s0", false)]
    [InlineData("mine__lrx__h4-i8-l1-a1__D200000__s0", false)]
    public void IsLearningRateScan_reads_the_last_part_of_the_identifier(string id, bool expected)
    {
        Assert.Equal(expected, PlanCell.IsLearningRateScan(id));
    }

    [Fact]
    public void MakeScanId_appends_the_rate_to_three_digits()
    {
        Assert.Equal("d__h4-i8-l1-a1__D100__s0__lr0.0253", PlanCell.MakeScanId("d__h4-i8-l1-a1__D100__s0", 0.08 * 0.316));
    }
}
