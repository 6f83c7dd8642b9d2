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
}
