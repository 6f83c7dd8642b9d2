using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class DatasetCompressibilityTests
{
    [Fact]
    public void The_runs_median_comes_first_then_the_manifest_median_then_the_plan()
    {
        // The runs' H is the data the models were trained on; a manifest read now may describe a regenerated folder.
        Assert.Equal(0.15, DatasetCompressibility.Choose(0.4, [0.1, 0.2], 0.3)!.Value, 1e-12);
        Assert.Equal(0.4, DatasetCompressibility.Choose(0.4, [null], 0.3));
        Assert.Equal(0.2, DatasetCompressibility.Choose(null, [0.3, null, 0.1, 0.2], 0.9));
        Assert.Equal(0.9, DatasetCompressibility.Choose(null, [null], 0.9));
        Assert.Null(DatasetCompressibility.Choose(null, [], null));
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(0.25, DatasetCompressibility.Median([0.4, 0.1, 0.2, 0.3]));
        Assert.Null(DatasetCompressibility.Median([null, null]));
    }
}
