using System.Text.Json;
using PcfgLab.Generation;
using PcfgLab.Grammars;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class GrammarSearchCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-search-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Search_writes_a_grammar_that_hits_the_target()
    {
        var path = Path.Combine(_root.FullName, "g.pcfg");
        var (code, stdout, stderr) = await CliRunner.Run("grammar", "search", "--target-gzip", "0.25", "--dial-docs", "300", "--seed", "3", "--out", path, "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("dial: (2,10,2,2) seed 3: median", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var median = json.RootElement.GetProperty("median").GetDouble();
        Assert.InRange(median, 0.24, 0.26);
        Assert.True(json.RootElement.GetProperty("candidates").GetArrayLength() >= 3);

        // The saved grammar measures the same on the same documents.
        var grammar = NltkGrammarFormat.Load(path);
        Assert.Equal(median, CompressibilityDial.MeasureMedian(grammar, 300, 256, 3));
        Assert.Equal(json.RootElement.GetProperty("spec").GetString(), grammar.Origin?.Spec.ToString() ?? json.RootElement.GetProperty("spec").GetString());

        // Without --out the grammar itself goes to stdout, the same text as the file.
        (code, stdout, _) = await CliRunner.Run("grammar", "search", "--target-gzip", "0.25", "--dial-docs", "300", "--seed", "3");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings(), stdout.ReplaceLineEndings());
    }

    [Theory]
    [InlineData("0.95", "outside what these bounds reach (medians 0.")]
    [InlineData("0.02", "outside what these bounds reach (medians 0.")]
    public async Task Unreachable_targets_are_a_one_line_error_naming_the_range(string target, string message)
    {
        var (code, stdout, stderr) = await CliRunner.Run("grammar", "search", "--target-gzip", target, "--dial-docs", "200");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        var error = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("error: target", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nonterminals-range", "9-3")]
    [InlineData("--nonterminals-range", "9..3")]
    [InlineData("--dial-docs", "0")]
    [InlineData("--seed", "-1")]
    [InlineData("--seed", "one")]
    public async Task Bad_bounds_are_user_errors(string option, string value)
    {
        var (code, _, stderr) = await CliRunner.Run("grammar", "search", "--target-gzip", "0.3", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_seed_is_the_librarys_one_line_said_with_the_flag()
    {
        var (code, stdout, stderr) = await CliRunner.Run("grammar", "search", "--target-gzip", "0.3", "--seed", "-1");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal("error: --seed must be zero or positive, got -1.", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
