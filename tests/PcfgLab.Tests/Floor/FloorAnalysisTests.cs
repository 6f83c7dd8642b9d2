using PcfgLab.Floor;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class FloorAnalysisTests
{
    [Fact]
    public void Summary_puts_floor_and_rate_in_nats_bits_and_shares_of_ln_v()
    {
        var compiled = CompiledGrammar.Renormalised(FloorGrammars.File("study/gzipscale-0.22.pcfg"));
        var summary = FloorAnalysis.Analyze(compiled, 1, 256, 50, 2000, threads: 2);
        var document = Assert.IsType<LossFloorEstimate>(summary.Document);

        // V: the terminals used plus the separator.
        Assert.Equal(compiled.Source.TerminalIds().Length + 1, summary.Vocabulary);
        Assert.Equal(Math.Log(summary.Vocabulary), summary.LogVocabulary, 14);
        Assert.Equal(summary.Rate.RateNats / Math.Log(2), summary.RateBits, 14);
        Assert.Equal(summary.Rate.RateNats / summary.LogVocabulary, summary.RateOverLogVocabulary, 14);
        Assert.Equal(document.MeanNats / Math.Log(2), summary.DocumentBits, 14);
        Assert.Equal(document.MeanNats / summary.LogVocabulary, summary.DocumentOverLogVocabulary, 14);
        Assert.Equal(document.MeanNats - summary.Rate.RateNats, summary.GapNats, 14);

        // Same parts as computing them one by one.
        var prefix = PrefixGrammar.Build(compiled);
        Assert.Equal(LossFloor.Estimate(prefix, 1, 256, 50), document);
        Assert.Equal(EntropyRate.Estimate(prefix, 1, 2000), summary.Rate);
    }

    [Fact]
    public void Zero_documents_gives_the_rate_alone()
    {
        var summary = FloorAnalysis.Analyze(CompiledGrammar.Renormalised(FloorGrammars.Catalan()), 1, 256, 0, 100);
        Assert.Null(summary.Document);
        Assert.True(double.IsNaN(summary.GapNats));
        Assert.True(double.IsNaN(summary.DocumentBits));
        Assert.Equal(3, summary.Vocabulary);
    }

    [Fact]
    public void Negative_documents_are_refused()
    {
        var error = Assert.Throws<UserInputException>(() => FloorAnalysis.Analyze(CompiledGrammar.Renormalised(FloorGrammars.Catalan()), 1, 256, -1));
        Assert.Contains("documents must be", error.Message, StringComparison.Ordinal);
    }
}
