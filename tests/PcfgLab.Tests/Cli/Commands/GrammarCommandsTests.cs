using System.Text.Json;
using PcfgLab.Cli;
using PcfgLab.Grammars;
using PcfgLab.Tests.Grammars;
using PcfgLab.Tests.TestSupport;

using static PcfgLab.Tests.TestSupport.CliRunner;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class GrammarCommandsTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("pcfglab-grammar-cli-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string TempPath(string name) => Path.Combine(_temp.FullName, name);

    [Fact]
    public async Task New_with_a_preset_writes_the_seed_1_grammar_to_stdout()
    {
        var (code, output, _) = await Run("grammar", "new", "--preset", "gzipscale-0.22");

        Assert.Equal(0, code);
        var read = NltkGrammarFormat.Read(new StringReader(output));
        NltkGrammarFormatTests.AssertSameGrammar(RandomGrammarBuilder.Build(new GrammarSpec(10, 150, 5, 3), 1), read);
    }

    [Theory]
    [InlineData("--compat", "reference")]
    [InlineData("--first-terminal-id", "0")]
    public async Task New_with_sizes_and_reference_ids_gives_the_reference_grammar(string option, string value)
    {
        var (code, output, _) = await Run(
            "grammar", "new", "--nonterminals", "3", "--terminals", "20", "--max-options", "2", "--max-length", "2", "--seed", "7", option, value);

        Assert.Equal(0, code);
        Assert.Contains("N0 -> N2 [0.28169014084507044] | '8' [0.7183098591549296]\n", output, StringComparison.Ordinal);
        var read = NltkGrammarFormat.Read(new StringReader(output));
        Assert.Equal(new GrammarOrigin(new GrammarSpec(3, 20, 2, 2), 7, 0), read.Origin);
    }

    [Fact]
    public async Task New_with_out_writes_the_file_and_logs_on_stderr()
    {
        var path = TempPath("g.pcfg");

        var (code, output, error) = await Run("grammar", "new", "--preset", "20_300_10_5", "--seed", "3", "--out", path);

        Assert.Equal(0, code);
        Assert.Empty(output);
        Assert.Contains("wrote " + path, error, StringComparison.Ordinal);
        NltkGrammarFormatTests.AssertSameGrammar(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 3), NltkGrammarFormat.Load(path));
        Assert.Equal(["g.pcfg"], _temp.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task Info_on_a_file_prints_a_table()
    {
        var path = TempPath("binary.pcfg");
        await File.WriteAllTextAsync(path, "A -> A A [0.6] | 'a' [0.4]\n");

        var (code, output, _) = await Run("grammar", "info", path);

        Assert.Equal(0, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("grammar", StringComparison.Ordinal) && l.EndsWith(path, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("spectral radius", StringComparison.Ordinal) && l.EndsWith("1.2 (supercritical)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("q_S", StringComparison.Ordinal) && l.Contains("0.666667 (inconsistent", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  E[sentence length]", StringComparison.Ordinal) && l.EndsWith(" 3 tokens", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  E[derivation size]", StringComparison.Ordinal) && l.EndsWith(" 5 expansions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Info_json_is_one_document_with_the_report()
    {
        var (code, output, _) = await Run("grammar", "info", "--preset", "gzipscale-0.11", "--seed", "7", "--compat", "reference", "--json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.StartsWith("pcfglab ", root.GetProperty("tool").GetString(), StringComparison.Ordinal);
        var report = root.GetProperty("report");
        Assert.Equal(0.7183098591549296 / 3, report.GetProperty("startTerminationProbability").GetDouble(), 15);
        Assert.Equal("Critical", report.GetProperty("criticality").GetString());
        Assert.Equal(["N1", "N2"], report.GetProperty("unproductiveNonterminals").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, report.GetProperty("terminationProbabilities").GetArrayLength());
        Assert.Equal(7, report.GetProperty("origin").GetProperty("seed").GetInt64());
        Assert.Equal(1.0, report.GetProperty("expectedSentenceLength").GetDouble(), 12);
    }

    [Fact]
    public async Task Info_json_writes_infinite_expectations_of_a_critical_grammar_as_strings()
    {
        var path = TempPath("critical.pcfg");
        await File.WriteAllTextAsync(path, "A -> A A [0.5] | 'a' [0.5]\n");

        var (code, output, _) = await Run("grammar", "info", path, "--json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        var report = document.RootElement.GetProperty("report");
        Assert.Equal("Infinity", report.GetProperty("expectedSentenceLength").GetString());
        Assert.Equal("NaN", report.GetProperty("entropyPerTokenBits").GetString());
        Assert.True(report.GetProperty("conditionedIsCritical").GetBoolean());
    }

    [Fact]
    public async Task Info_shows_the_entropy_rate_and_with_floor_the_document_level_floor()
    {
        var (code, output, _) = await Run("grammar", "info", "--preset", "gzipscale-0.22", "--sentences", "500", "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("entropy rate h", output, StringComparison.Ordinal);
        Assert.Contains("derivation bound", output, StringComparison.Ordinal);
        Assert.DoesNotContain("loss floor", output, StringComparison.Ordinal);

        (code, output, _) = await Run("grammar", "info", "--preset", "gzipscale-0.22", "--sentences", "500", "--floor", "--docs", "20", "--doc-len", "64", "--json");
        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        var floor = document.RootElement.GetProperty("floor");
        var compiled = PcfgLab.Sampling.CompiledGrammar.Renormalised(PcfgLab.Grammars.RandomGrammarBuilder.Build(PcfgLab.Grammars.GrammarPresets.Get("gzipscale-0.22").Spec, 1));
        var expected = PcfgLab.Floor.FloorAnalysis.Analyze(compiled, 1, 64, 20, 500);
        Assert.Equal(expected.Rate.RateNats, floor.GetProperty("rate").GetProperty("rateNats").GetDouble());
        Assert.Equal(expected.Document!.MeanNats, floor.GetProperty("document").GetProperty("meanNats").GetDouble());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("floorUnavailable").ValueKind);
    }

    [Fact]
    public async Task Info_says_why_a_critical_grammar_has_no_entropy_rate()
    {
        var path = TempPath("critical-rate.pcfg");
        await File.WriteAllTextAsync(path, "A -> A A [0.5] | 'a' [0.5]\n");
        var (code, output, _) = await Run("grammar", "info", path);
        Assert.Equal(0, code);
        Assert.Contains("entropy rate       not defined: the grammar conditioned on finite derivations is critical", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_table_says_when_no_finite_sentence_exists()
    {
        var path = TempPath("endless.pcfg");
        await File.WriteAllTextAsync(path, "S -> S 'a' [1.0]\n");

        var (code, output, _) = await Run("grammar", "info", path);

        Assert.Equal(0, code);
        Assert.Contains("q_S = 0: no finite sentence exists", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["grammar", "info", "/no/such/grammar.pcfg"], "does not exist" },
        { ["grammar", "new", "--nonterminals", "0", "--terminals", "20", "--max-options", "2", "--max-length", "2"], "--nonterminals must be a positive integer, got 0" },
        { ["grammar", "new", "--nonterminals", "3", "--terminals", "-5", "--max-options", "2", "--max-length", "2"], "--terminals must be a positive integer, got -5" },
        { ["grammar", "info", "--nonterminals", "3", "--terminals", "20", "--max-options", "0", "--max-length", "2"], "--max-options must be a positive integer" },
        { ["grammar", "new", "--nonterminals", "3", "--terminals", "20"], "--max-options is missing" },
        { ["grammar", "new"], "Give --preset NAME or all of" },
        { ["grammar", "info"], "Give a grammar FILE, --preset NAME" },
        { ["grammar", "new", "--preset", "gzipscale-9"], "Unknown grammar preset 'gzipscale-9'; known presets: gzipscale-0.11" },
        { ["grammar", "info", "--preset", "nope"], "Unknown grammar preset 'nope'" },
        { ["grammar", "new", "--preset", "gzipscale-0.11", "--terminals", "5"], "not several" },
        { ["grammar", "new", "--preset", "gzipscale-0.11", "--compat", "nltk"], "--compat accepts fast or reference, got 'nltk'" },
        { ["grammar", "new", "--preset", "gzipscale-0.11", "--first-terminal-id", "5"], "--first-terminal-id must be 1" },
        { ["grammar", "new", "--preset", "gzipscale-0.11", "--seed", "-2"], "--seed must be zero or positive, got -2." },
        { ["grammar", "info", "--preset", "gzipscale-0.11", "--seed", "x1"], "--seed must be a whole number from -9223372036854775808 to 9223372036854775807, got 'x1'. (see 'pcfglab grammar info --help')" },
        { ["grammar", "new", "--preset", "gzipscale-0.11", "--out", "/no/such/folder/g.pcfg"], "does not exist" },
        { ["grammar", "info", "--preset", "gzipscale-0.11", "--sentences", "2147483647"], "--sentences must be at most 10000000 (each sentence's values are kept in memory" },
        { ["grammar", "info", "--preset", "gzipscale-0.11", "--floor", "--docs", "2147483647"], "--docs must be at most 10000000 (each document's loss is kept in memory" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gives_a_one_line_error_and_exit_code_2(string[] args, string expected)
    {
        var (code, output, error) = await Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Malformed_grammar_file_error_names_file_line_and_column()
    {
        var path = TempPath("bad.pcfg");
        await File.WriteAllTextAsync(path, "# comment\nS -> 'a' [0.5] | 'b'\n");

        var (code, _, error) = await Run("grammar", "info", path);

        Assert.Equal(2, code);
        Assert.Equal($"error: {path}:2:21: expected a probability like [0.5] after the right-hand side, got the end of the line\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task File_and_spec_options_together_are_refused()
    {
        var path = TempPath("g.pcfg");
        await File.WriteAllTextAsync(path, "S -> 'a' [1.0]\n");

        var (code, _, error) = await Run("grammar", "info", path, "--preset", "gzipscale-0.11");

        Assert.Equal(2, code);
        Assert.Equal("error: Give one grammar, not several: a grammar file (FILE), a preset (--preset) or the four sizes (--nonterminals, --terminals, --max-options, --max-length).\n", error.ReplaceLineEndings("\n"));
    }

    [SystemPathFact("coreutils", SpecialFiles.MkFifo)]
    public async Task New_refuses_to_replace_something_that_is_not_a_regular_file()
    {
        // As root, the rename used to put a regular file in place of a device node such as /dev/full; a pipe shows it
        // without privileges.
        var pipe = TempPath("pipe.pcfg");
        Assert.True(SpecialFiles.TryMakeFifo(pipe));
        var (code, _, error) = await Run("grammar", "new", "--preset", "gzipscale-0.11", "--out", pipe);
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal($"error: '{pipe}' is a device, pipe or socket, not a regular file: refusing to replace it; give the path of a regular file (or of one that does not exist yet).",
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.True(SpecialFiles.IsFifo(pipe));
        Assert.Equal(["pipe.pcfg"], _temp.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task Presets_names_of_the_study_are_the_six_in_order_one_per_line()
    {
        var (code, output, _) = await Run("grammar", "presets", "--names", "--group", "study");

        Assert.Equal(0, code);
        Assert.Equal("gzipscale-0.11\ngzipscale-0.22\ngzipscale-0.35\ngzipscale-0.42\ngzipscale-0.51\ngzipscale-0.61\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Presets_lists_every_preset_with_its_spec()
    {
        var (code, output, _) = await Run("grammar", "presets");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(GrammarPresets.All.Count, lines.Length);
        Assert.StartsWith("gzipscale-0.35", lines[2], StringComparison.Ordinal);
        Assert.Contains("(20,300,10,5)", lines[2], StringComparison.Ordinal);
    }
}
