using PcfgLab.Sampling;
using System.Globalization;
using PcfgLab.Grammars;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Grammars;

public sealed partial class NltkGrammarFormatTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("pcfglab-nltk-");

    public void Dispose() => _temp.Delete(recursive: true);

    // Text written by tests/PcfgLab.Tests/Grammars/Data/make_reference_grammars.py, which makes the reference's
    // create_random_pcfg random calls and prints rules as f"{lhs} -> " + " | ".join(f"{rhs} [{p!r}]").
    private static string ReferenceText(string name) =>
        File.ReadAllText(Path.Combine(SharedFiles.RepositoryRoot, "tests", "PcfgLab.Tests", "Grammars", "Data", name));

    internal static void AssertSameGrammar(Grammar expected, Grammar actual, bool compareOrigin = true)
    {
        Assert.Equal(expected.NonterminalCount, actual.NonterminalCount);
        Assert.Equal(expected.Start, actual.Start);
        Assert.Equal(expected.Vocabulary, actual.Vocabulary);
        if (compareOrigin)
        {
            Assert.Equal(expected.Origin, actual.Origin);
        }

        for (var a = 0; a < expected.NonterminalCount; a++)
        {
            Assert.Equal(expected.NonterminalName(a), actual.NonterminalName(a));
            var e = expected.RulesOf(a);
            var g = actual.RulesOf(a);
            Assert.Equal(e.Count, g.Count);
            for (var r = 0; r < e.Count; r++)
            {
                Assert.Equal(a, g[r].Lhs);
                Assert.Equal(e[r].Rhs, g[r].Rhs);
                Assert.Equal(BitConverter.DoubleToInt64Bits(e[r].Probability), BitConverter.DoubleToInt64Bits(g[r].Probability));
            }
        }
    }

    private static string WriteToString(Grammar grammar)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(grammar, writer);
        return writer.ToString();
    }

    private static Grammar ReadString(string text, string? source = null) =>
        NltkGrammarFormat.Read(new StringReader(text), source);

    private static string[] RuleLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();

    [Theory]
    [InlineData(3, 20, 2, 2, 7, 0)]
    [InlineData(10, 150, 5, 3, 1, 1)]
    [InlineData(20, 300, 10, 5, 2, 1)]
    [InlineData(50, 500, 20, 15, 3, 1)]
    [InlineData(100, 2000, 100, 30, 1, 1)]
    [InlineData(5, 20, 200, 3, 2, 0)]
    [InlineData(20, 300, 300, 5, 4, 1)]
    public void Build_write_read_gives_the_same_grammar_bit_for_bit(int n, int t, int o, int l, long seed, int firstId)
    {
        var built = RandomGrammarBuilder.Build(new GrammarSpec(n, t, o, l), seed, firstId);
        var text = WriteToString(built);

        var read = ReadString(text);

        AssertSameGrammar(built, read);
        Assert.NotNull(read.Origin);
        Assert.DoesNotContain("e-", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("reference_3_20_2_2_s7.txt", 3, 20, 2, 2, 7)]
    [InlineData("reference_10_150_5_3_s1.txt", 10, 150, 5, 3, 1)]
    [InlineData("reference_20_300_10_5_s2.txt", 20, 300, 10, 5, 2)]
    public void Writing_the_reference_grammar_gives_the_reference_text_line_for_line(string file, int n, int t, int o, int l, long seed)
    {
        var built = RandomGrammarBuilder.Build(new GrammarSpec(n, t, o, l), seed, firstTerminalId: 0);

        Assert.Equal(RuleLines(ReferenceText(file)), RuleLines(WriteToString(built)));
    }

    [Theory]
    [InlineData("reference_3_20_2_2_s7.txt", 3, 20, 2, 2, 7)]
    [InlineData("reference_10_150_5_3_s1.txt", 10, 150, 5, 3, 1)]
    [InlineData("reference_20_300_10_5_s2.txt", 20, 300, 10, 5, 2)]
    [InlineData("reference_5_20_200_3_s2.txt", 5, 20, 200, 3, 2)]
    public void Reading_the_reference_text_gives_the_built_grammar(string file, int n, int t, int o, int l, long seed)
    {
        var built = RandomGrammarBuilder.Build(new GrammarSpec(n, t, o, l), seed, firstTerminalId: 0);

        var read = ReadString(ReferenceText(file), file);

        AssertSameGrammar(built, read, compareOrigin: false);
        Assert.Null(read.Origin);
        Assert.Null(read.Vocabulary);
    }

    [Fact]
    public void Probabilities_the_reference_prints_in_exponent_form_are_written_as_plain_decimals()
    {
        // Seed 2 of (5,20,200,3) has a rule the reference prints as [9.8833761612967e-05], which NLTK rejects.
        var reference = ReferenceText("reference_5_20_200_3_s2.txt");
        Assert.Contains("[9.8833761612967e-05]", reference, StringComparison.Ordinal);
        var built = RandomGrammarBuilder.Build(new GrammarSpec(5, 20, 200, 3), 2, firstTerminalId: 0);

        var written = RuleLines(WriteToString(built));

        var expected = RuleLines(reference.Replace("[9.8833761612967e-05]", "[0.000098833761612967]", StringComparison.Ordinal));
        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(9.8833761612967e-05, "0.000098833761612967")]
    [InlineData(1e-05, "0.00001")]
    [InlineData(1.5e-10, "0.00000000015")]
    [InlineData(0.0, "0.0")]
    [InlineData(1e22, "10000000000000000000000.0")]
    [InlineData(1.25e17, "125000000000000000.0")]
    public void Probabilities_are_formatted_like_python_repr_without_exponents(double value, string expected)
    {
        Assert.Equal(expected, NltkGrammarFormat.FormatProbability(value));
    }

    [Fact]
    public void Formatted_probabilities_parse_back_to_the_same_double()
    {
        // Random mantissas over exponents 2^-1..2^-1074 (subnormals included) and random ratios i/k.
        var random = new Random(12345);
        for (var trial = 0; trial < 20000; trial++)
        {
            var value = trial % 2 == 0
                ? Math.ScaleB(1.0 + random.NextDouble(), -random.Next(1, 1075))
                : (double)random.Next(1, 101) / random.Next(101, 1_000_000);
            var text = NltkGrammarFormat.FormatProbability(value);
            Assert.DoesNotContain('E', text);
            Assert.DoesNotContain('e', text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)));
        }

        Assert.Equal(double.Epsilon, double.Parse(NltkGrammarFormat.FormatProbability(double.Epsilon), CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Header_records_tool_spec_seed_and_first_terminal_id()
    {
        var text = WriteToString(RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 9));

        var header = text.Split('\n').TakeWhile(l => l.StartsWith('#')).ToArray();
        Assert.Contains($"# tool: pcfglab {ToolInfo.Version}", header);
        Assert.Contains("# spec: (3,20,2,2)", header);
        Assert.Contains("# seed: 9", header);
        Assert.Contains("# first-terminal-id: 1", header);
        Assert.StartsWith("S -> N0 [0.3333333333333333] | N1 [0.3333333333333333] | N2 [0.3333333333333333]\n", text[text.IndexOf("S ->", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_written_grammar_with_comments_continuations_quotes_and_split_rules()
    {
        const string Text = """
            # A toy grammar.

            S -> NP VP [1.0]   # trailing comment
            NP -> Det N [0.6]
                | "John" [0.4]
            VP -> V NP [0.7] | \
                  V [0.2]
            Det -> 'the' [0.5] | 'a' [0.5]
            N -> 'dog' [1.0]
            V -> 'saw' [1.0]
            VP -> 'ran' [0.1]
            """;

        var g = ReadString(Text);

        Assert.Equal(["S", "NP", "VP", "Det", "N", "V"], Enumerable.Range(0, g.NonterminalCount).Select(g.NonterminalName));
        Assert.Equal(0, g.Start);
        Assert.Null(g.Origin);
        // Words get ids 1..k in order of first appearance; id 0 is the separator.
        Assert.Equal(["<sep>", "John", "the", "a", "dog", "saw", "ran"], g.Vocabulary);
        Assert.Equal([0.6, 0.4], g.RulesOf(1).Select(p => p.Probability));
        Assert.Equal([SymbolCode.Nonterminal(3), SymbolCode.Nonterminal(4)], g.RulesOf(1)[0].Rhs);
        Assert.Equal([1], g.RulesOf(1)[1].Rhs);
        var vp = g.RulesOf(2);
        Assert.Equal([0.7, 0.2, 0.1], vp.Select(p => p.Probability));
        Assert.Equal([SymbolCode.Nonterminal(5)], vp[1].Rhs);
        Assert.Equal([6], vp[2].Rhs);
        Assert.Equal("the", g.TerminalText(2));
    }

    [Fact]
    public void Word_grammar_round_trips_through_write_and_read()
    {
        var g = ReadString("S -> \"it's\" [0.5] | 'say \"hi\"' [0.25] | [0.25]\n");
        Assert.Equal(["<sep>", "it's", "say \"hi\""], g.Vocabulary);
        Assert.Empty(g.RulesOf(0)[2].Rhs);

        AssertSameGrammar(g, ReadString(WriteToString(g)));
    }

    [Fact]
    public void Header_keys_count_only_after_the_tool_line()
    {
        const string Header = "# spec: (3,20,2,2)\n# seed: 4\n# first-terminal-id: 0\n";

        Assert.Null(ReadString(Header + "# seed: the best one\nS -> '1' [1.0]").Origin);
        Assert.Equal(
            new GrammarOrigin(new GrammarSpec(3, 20, 2, 2), 4, 0),
            ReadString("# tool: pcfglab 0.1.0\n" + Header + "S -> '1' [1.0]\n# seed: x\n").Origin);
    }

    [Fact]
    public void Percent_start_directive_chooses_the_start_symbol_and_rhs_only_names_come_last()
    {
        var g = ReadString("%start B\nA -> C 'x' [1.0]\nB -> A [1.0]\n");

        Assert.Equal(["A", "B", "C"], Enumerable.Range(0, g.NonterminalCount).Select(g.NonterminalName));
        Assert.Equal(1, g.Start);
        Assert.Empty(g.RulesOf(2));

        // Written with the start first, so NLTK (and this reader) starts from B without the directive.
        var again = ReadString(WriteToString(g));
        Assert.Equal("B", again.NonterminalName(again.Start));
        Assert.Equal(0, again.Start);
    }

    [Theory]
    [InlineData("S -> '1' [0.5] | '2' [0.5]", null)]
    [InlineData("S -> '01' [1.0]", new[] { "<sep>", "01" })]
    [InlineData("S -> '3' [0.5] | 'x' [0.5]", new[] { "<sep>", "3", "x" })]
    [InlineData("S -> '-3' [1.0]", new[] { "<sep>", "-3" })]
    public void Terminals_are_their_integer_ids_only_when_every_one_is_a_plain_non_negative_integer(string text, string[]? vocabulary)
    {
        var g = ReadString(text);

        Assert.Equal(vocabulary, g.Vocabulary);
        if (vocabulary is null)
        {
            Assert.Equal([1, 2], g.TerminalIds());
        }
    }

    [Theory]
    [InlineData("S -> 'a' [0.5]\nS -> 'b' [0.4]", "g.pcfg:1:1: probabilities of S sum to 0.9; expected 1 within 1E-06")]
    [InlineData("S NP [1.0]", "g.pcfg:1:3: expected '->' after the left-hand side S, got nonterminal NP")]
    [InlineData("S -> NP", "g.pcfg:1:8: expected a probability like [0.5] after the right-hand side, got the end of the line")]
    [InlineData("S -> 'a [1.0]", "g.pcfg:1:6: unterminated terminal: expected a closing ' on the same line")]
    [InlineData("S -> 'a' [x]", "g.pcfg:1:10: expected a probability like [0.25], got [x]")]
    [InlineData("S -> 'a' [1.5]", "g.pcfg:1:10: probability 1.5 is greater than 1")]
    [InlineData("S -> 'a' [1.0] 'b'", "g.pcfg:1:16: expected '|' or the end of the line after the probability, got terminal 'b'")]
    [InlineData("# header\n| 'a' [1.0]", "g.pcfg:2:1: a line starting with '|' continues a rule, but no rule comes before it")]
    [InlineData("S -> 'a' [1.0]\n  -> 'b' [1.0]", "g.pcfg:2:3: expected a nonterminal name starting a rule (like S -> NP VP [1.0]), got '->'")]
    [InlineData("S -> 'a' [1.0] @", "g.pcfg:1:16: unexpected character '@'")]
    [InlineData("S -> 'a' [1.0]\n%begin S", "g.pcfg:2:1: unknown directive %begin")]
    [InlineData("# only a comment\n\n", "g.pcfg:2:1: no rules found; expected lines like S -> NP VP [1.0]")]
    [InlineData("# tool: pcfglab 1.0\n# spec: (3,20,2)\nS -> 'a' [1.0]", "g.pcfg:2:1: expected a spec like (20,300,10,5)")]
    [InlineData("# tool: pcfglab 1.0\n# seed: x\nS -> 'a' [1.0]", "g.pcfg:2:1: expected an integer seed")]
    [InlineData("%start T\nS -> 'a' [1.0]", "g.pcfg:1:8: start symbol T appears in no rule")]
    public void Malformed_grammars_give_one_line_errors_with_file_line_and_column(string text, string expectedStart)
    {
        var ex = Assert.Throws<UserInputException>(() => ReadString(text, "g.pcfg"));

        Assert.StartsWith(expectedStart, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Errors_without_a_source_name_say_line_and_column()
    {
        var ex = Assert.Throws<UserInputException>(() => ReadString("S -> 'a' [1.0]\nA -> B"));

        Assert.StartsWith("line 2, column 7: expected a probability", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sums_within_nltk_tolerance_are_accepted()
    {
        var g = ReadString("S -> 'a' [0.3333333] | 'b' [0.6666667]");

        Assert.Equal(2, g.RuleCount);
    }

    [Fact]
    public void A_grammar_file_that_is_not_utf8_is_refused_rather_than_merging_its_terminals()
    {
        // Two terminals that differ only in an invalid byte (0xFF, 0xFE) both decoded to U+FFFD: one terminal.
        var path = Path.Combine(_temp.FullName, "latin1.pcfg");
        File.WriteAllBytes(path, [.. "S -> '"u8, 0xFF, .. "' [0.5] | '"u8, 0xFE, .. "' [0.5]\n"u8]);

        var error = Assert.Throws<UserInputException>(() => NltkGrammarFormat.Load(path));

        Assert.Equal($"Grammar file '{path}' is not valid UTF-8 text: save it as UTF-8 (terminals that differ only in invalid bytes could not be told apart).", error.Message);
    }

    [Fact]
    public void Save_then_load_round_trips_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_temp.FullName, "g.pcfg");
        var g = RandomGrammarBuilder.Build(new GrammarSpec(10, 150, 5, 3), 5);
        File.WriteAllText(path, "old content");

        NltkGrammarFormat.Save(g, path);

        AssertSameGrammar(g, NltkGrammarFormat.Load(path));
        Assert.Equal(["g.pcfg"], _temp.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Load_names_the_file_in_errors_and_reports_missing_files()
    {
        var path = Path.Combine(_temp.FullName, "bad.pcfg");
        File.WriteAllText(path, "S -> 'a' [1.0]\nS ->> 'b'\n");

        var bad = Assert.Throws<UserInputException>(() => NltkGrammarFormat.Load(path));
        Assert.StartsWith(path + ":2:", bad.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<UserInputException>(() => NltkGrammarFormat.Load(Path.Combine(_temp.FullName, "none.pcfg")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_terminals_nltk_cannot_express_are_refused_on_writing()
    {
        var badName = new Grammar(["my start"], 0, [[new Production(0, [1], 1.0)]]);
        Assert.Throws<ArgumentException>(() => WriteToString(badName));

        var badTerminal = new Grammar(["S"], 0, [[new Production(0, [1], 1.0)]], ["<sep>", "it's \"x\""]);
        Assert.Throws<ArgumentException>(() => WriteToString(badTerminal));
    }

    /// <summary>
    /// NLTK's own toy_pcfg1 and toy_pcfg2, written by NLTK, load here, and PcfgLab's sampler agrees with sampling
    /// through NLTK's grammar objects: 200,000 sentences here against 20,000 there (both seeded, so the test is
    /// deterministic). Tolerance: every compared frequency (sentence lengths 1 to 12, each first word) and the mean
    /// length within 4.5 standard errors of the two-sample difference, and each mean within 4.5 standard errors of
    /// the exact E[length] from GrammarAnalysis.
    /// </summary>
    [NltkFact]
    public void Nltk_toy_grammars_load_and_sample_like_nltk()
    {
        const int NltkSentences = 20_000;
        const int OurSentences = 200_000;
        const double Sigmas = 4.5;
        var folder = Directory.CreateTempSubdirectory("pcfglab-nltk-toys-");
        try
        {
            var (exit, output, error) = NltkPython.RunScript("toys", folder.FullName, NltkSentences.ToString(CultureInfo.InvariantCulture), "1");
            Assert.True(exit == 0, error);
            using var json = System.Text.Json.JsonDocument.Parse(output);
            foreach (var name in new[] { "toy_pcfg1", "toy_pcfg2" })
            {
                var theirs = json.RootElement.GetProperty(name);
                var grammar = NltkGrammarFormat.Load(Path.Combine(folder.FullName, name + ".pcfg"));
                Assert.Equal("S", grammar.NonterminalName(grammar.Start));
                var report = GrammarAnalysis.Analyze(grammar);
                Assert.Equal(1.0, report.StartTerminationProbability, 12);

                var sampler = new SentenceSampler(CompiledGrammar.Renormalised(grammar));
                var rng = new Xoshiro256StarStar(7);
                var buffer = new int[4096];
                var lengths = new Dictionary<int, int>();
                var first = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var s = 0; s < OurSentences; s++)
                {
                    var length = sampler.SampleSentence(ref rng, buffer);
                    Assert.InRange(length, 1, buffer.Length - 1);
                    lengths[length] = lengths.GetValueOrDefault(length) + 1;
                    var word = grammar.TerminalText(buffer[0]);
                    first[word] = first.GetValueOrDefault(word) + 1;
                }

                var theirLengths = theirs.GetProperty("lengths").EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetInt32());
                var theirFirst = theirs.GetProperty("firstWords").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
                Assert.Equal(theirFirst.Keys.Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
                foreach (var word in first.Keys)
                {
                    AssertSameFrequency($"{name} first word '{word}'", first[word], OurSentences, theirFirst[word], NltkSentences, Sigmas);
                }

                for (var length = 1; length <= 12; length++)
                {
                    AssertSameFrequency($"{name} length {length}", lengths.GetValueOrDefault(length), OurSentences, theirLengths.GetValueOrDefault(length), NltkSentences, Sigmas);
                }

                var (ourMean, ourVariance) = Moments(lengths);
                var (theirMean, theirVariance) = Moments(theirLengths);
                var difference = Sigmas * Math.Sqrt((ourVariance / OurSentences) + (theirVariance / NltkSentences));
                Assert.True(Math.Abs(ourMean - theirMean) <= difference, $"{name}: mean length {ourMean} here, {theirMean} in NLTK");
                Assert.True(Math.Abs(ourMean - report.ExpectedSentenceLength) <= Sigmas * Math.Sqrt(ourVariance / OurSentences), $"{name}: mean {ourMean}, exact {report.ExpectedSentenceLength}");
                Assert.True(Math.Abs(theirMean - report.ExpectedSentenceLength) <= Sigmas * Math.Sqrt(theirVariance / NltkSentences), $"{name}: NLTK mean {theirMean}, exact {report.ExpectedSentenceLength}");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void AssertSameFrequency(string what, int ours, int ourTotal, int theirs, int theirTotal, double sigmas)
    {
        var pooled = (double)(ours + theirs) / (ourTotal + theirTotal);
        var bound = sigmas * Math.Sqrt(pooled * (1 - pooled) * ((1.0 / ourTotal) + (1.0 / theirTotal)));
        var difference = ((double)ours / ourTotal) - ((double)theirs / theirTotal);
        Assert.True(Math.Abs(difference) <= bound + 1e-12, $"{what}: {(double)ours / ourTotal:F4} here, {(double)theirs / theirTotal:F4} in NLTK (bound {bound:F4})");
    }

    private static (double Mean, double Variance) Moments(Dictionary<int, int> counts)
    {
        double n = counts.Values.Sum();
        var mean = counts.Sum(p => (double)p.Key * p.Value) / n;
        var variance = counts.Sum(p => (p.Key - mean) * (p.Key - mean) * p.Value) / (n - 1);
        return (mean, variance);
    }
}
