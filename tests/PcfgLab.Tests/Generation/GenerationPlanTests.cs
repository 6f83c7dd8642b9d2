using PcfgLab.Generation;
using PcfgLab.Grammars;

namespace PcfgLab.Tests.Generation;

public sealed class GenerationPlanTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);
    private static readonly DatasetGrammar Grammar = new(RandomGrammarBuilder.Build(Spec, 1), Spec, null, "spec");
    private static readonly GenerationOptions Options = new() { OutputFolder = "unused", Tokens = 25_001, DocumentLength = 100, ShardCount = 3, RowGroupDocuments = 7 };

    [Fact]
    public void A_whole_run_writes_every_shard_of_the_layout()
    {
        var plan = GenerationPlan.For(Grammar, Options);

        Assert.Equal(251, plan.Layout.Documents); // ceil(25001 / 100)
        Assert.Equal(3, plan.Layout.ShardCount);
        Assert.Equal(7, plan.Layout.RowGroupDocuments);
        Assert.Equal([0, 1, 2], plan.Shards);
        Assert.Equal(Grammar.Grammar.RuleCount, plan.Compiled.Source.RuleCount);
    }

    [Fact]
    public void A_split_run_writes_its_one_shard()
    {
        Assert.Equal([2], GenerationPlan.For(Grammar, Options with { ShardIndex = 2 }).Shards);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void A_shard_index_outside_the_layout_is_refused(int index)
    {
        var error = Assert.Throws<UserInputException>(() => GenerationPlan.For(Grammar, Options with { ShardIndex = index }));

        Assert.Equal($"ShardIndex {index}/3 is out of range: the index runs from 0 to 2.", error.Message);
    }

    [Fact]
    public void The_options_are_checked_before_the_layout()
    {
        var error = Assert.Throws<UserInputException>(() => GenerationPlan.For(Grammar, Options with { Threads = 0, Tokens = 0 }));

        Assert.Equal("Threads must be positive, got 0.", error.Message);
    }

    [Fact]
    public void A_grammar_without_a_finite_sentence_is_refused()
    {
        var endless = NltkGrammarFormat.Read(new StringReader("S -> S '1' [1.0]\n"));

        Assert.Throws<UserInputException>(() => GenerationPlan.For(new DatasetGrammar(endless, null, null, "file endless.pcfg"), Options));
    }
}
