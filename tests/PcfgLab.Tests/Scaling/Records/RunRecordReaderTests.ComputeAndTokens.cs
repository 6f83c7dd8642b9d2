using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed partial class RunRecordReaderTests
{
    [Fact]
    public void Compute_and_tokens_without_parameters_give_n_as_c_over_6d()
    {
        // Llama 3's IsoFLOP points give only the budget and the tokens.
        var path = Write("iso.csv", "compute_budget,training_tokens,validation_loss\n6e18,1e9,0.9\n");
        var runs = RunRecordReader.Read(path, new RunColumnMap { Tokens = "training_tokens", Flops = "compute_budget", Loss = "validation_loss" });

        var run = Assert.Single(runs);
        Assert.Equal(1e9, run.Parameters, 1e-3);
        Assert.Equal(6e18, run.Flops);
    }
}
