using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class TrainerCommandTests
{
    [Fact]
    public void Split_follows_shell_quoting()
    {
        Assert.Equal(
            new[] { "python3", "train cell.py", "--x", "a\"b", "it's", "c d", "e" },
            TrainerCommand.Split("python3 'train cell.py'  --x \"a\\\"b\" \"it's\" c\\ d e"));
    }

    [Fact]
    public void Expand_replaces_placeholders_inside_words()
    {
        var command = new TrainerCommand("python3 t.py --plan {plan} --cell={cell} --results '{results}' --tag {dataset}/{cell_id}");
        var cell = new PlanCell
        {
            Index = 4,
            CellId = "d__h64-i128-l2-a1__D100__s0",
            Dataset = "d",
            DatasetPath = "data/d",
            Shape = new LlamaShape(64, 128, 2, 1),
            Training = TrainingSettings.Study,
        };

        Assert.Equal(
            new[] { "python3", "t.py", "--plan", "my plan.jsonl", "--cell=4", "--results", "out/r.jsonl", "--tag", "d/d__h64-i128-l2-a1__D100__s0" },
            command.Expand(cell, "my plan.jsonl", "out/r.jsonl"));
    }

    [Fact]
    public void Expand_does_not_expand_placeholders_inside_substituted_values()
    {
        // The case: --plan 'pl{dataset}/plan.jsonl' reached the trainer as pld11/plan.jsonl.
        var command = new TrainerCommand("t --plan {plan} --results {results} --cell {cell} --id {cell_id}{dataset}");
        var cell = new PlanCell
        {
            Index = 2, CellId = "{cell}", Dataset = "d11", DatasetPath = "d11", Shape = new LlamaShape(64, 128, 2, 1), Training = TrainingSettings.Study,
        };

        Assert.Equal(
            new[] { "t", "--plan", "pl{dataset}/plan.jsonl", "--results", "{plan}{results}", "--cell", "2", "--id", "{cell}d11" },
            command.Expand(cell, "pl{dataset}/plan.jsonl", "{plan}{results}"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("python3 t.py --plan {plan}", "{cell}")]
    [InlineData("python3 't.py --cell {cell}", "unclosed")]
    public void Bad_templates_are_refused(string template, string expected)
    {
        var ex = Assert.Throws<UserInputException>(() => new TrainerCommand(template));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
