using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using PcfgLab.Grammars;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Grammars;

/// <summary>
/// Seeded fuzzing of the grammar reader: random and mutated grammar texts must either read as a grammar that
/// round-trips through the writer, or fail with a one-line <see cref="UserInputException"/> naming line and column.
/// Any other exception is a finding; the failure message carries the seed, the case number and the input.
/// </summary>
public sealed partial class NltkGrammarFormatTests
{
    // Time bound per fuzz test; the case count is fixed so that a run is deterministic unless the machine is slow.
    private static readonly TimeSpan FuzzBudget = TimeSpan.FromSeconds(3);

    private static readonly Regex LineAndColumn = new(@"^line \d+, column \d+: \S", RegexOptions.CultureInvariant);

    // Fragments that a grammar file is made of, and some it should never contain.
    private static readonly string[] Fragments =
    [
        "S", "NP", "N1", "Det", "_x", "a/b", "X^1", "<", "->", "- >", "=>", "|", "||", "'", "\"", "'a'", "\"b\"", "'it''s'",
        "[", "]", "[0.5]", "[1.0]", "[1]", "[0]", "[-0.5]", "[1e-3]", "[1e309]", "[NaN]", "[Infinity]", "[0x1]", "[.5]",
        "[1.0000001]", "[99999999999999999999]", "[0.3333333333333333]", "[]", "#", "# spec: (2,10,2,2)", "# seed: 7",
        "# first-terminal-id: 3", "# spec: (0,0,0,0)", "# seed: 99999999999999999999", "%start S", "%start", "%foo", "\\",
        " ", "  ", "\t", "\n", "\r\n", "\r", "\0", "é", "∅", "\uFEFF", "\uD800", "1", "17", "-1",
    ];

    public static TheoryData<int> FuzzSeeds() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(FuzzSeeds))]
    public void Mutated_grammar_files_read_as_round_tripping_grammars_or_fail_with_line_and_column(int seed)
    {
        var corpus = SeedGrammars();
        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 4000 && watch.Elapsed < FuzzBudget; i++)
        {
            var text = corpus[random.Next(corpus.Count)];
            var mutations = 1 + random.Next(4);
            for (var m = 0; m < mutations; m++)
            {
                text = Mutate(text, random);
            }

            CheckReaderContract(text, $"seed {seed}, case {i}");
        }
    }

    [Theory]
    [MemberData(nameof(FuzzSeeds))]
    public void Random_fragment_soup_reads_as_a_round_tripping_grammar_or_fails_with_line_and_column(int seed)
    {
        var random = new Random(1000 + seed);
        var watch = Stopwatch.StartNew();
        var builder = new StringBuilder();
        for (var i = 0; i < 6000 && watch.Elapsed < FuzzBudget; i++)
        {
            builder.Clear();
            var parts = 1 + random.Next(24);
            for (var p = 0; p < parts; p++)
            {
                builder.Append(Fragments[random.Next(Fragments.Length)]);
                if (random.Next(3) == 0)
                {
                    builder.Append(' ');
                }
            }

            CheckReaderContract(builder.ToString(), $"soup seed {seed}, case {i}");
        }
    }

    [Theory]
    [InlineData("# first-terminal-id: 3", "line 1, column 23: no rules found; expected lines like S -> NP VP [1.0]")]
    [InlineData("", "line 1, column 1: no rules found; expected lines like S -> NP VP [1.0]")]
    public void Regression_a_text_without_rules_names_line_and_column(string text, string expected)
    {
        // Found by the fuzzer: this error alone named neither line nor column.
        Assert.Equal(expected, Assert.Throws<UserInputException>(() => NltkGrammarFormat.Read(new StringReader(text))).Message);
    }

    [Fact]
    public void Regression_a_start_directive_grammar_round_trips_renumbered()
    {
        // Found by the fuzzer (a check of the test, not of the reader): %start B with A first is written with B first.
        CheckReaderContract("%start B\nA -> 'a' [1.0]\nB -> A B [0.25] | [0.75]\n", "regression");
        var written = WriteToString(NltkGrammarFormat.Read(new StringReader("%start B\nA -> 'a' [1.0]\nB -> A B [0.25] | [0.75]\n")));
        Assert.StartsWith("B -> ", written.Split('\n').First(l => !l.StartsWith('#')), StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_a_start_symbol_without_rules_is_refused()
    {
        // Found by the fuzzer (seed 3, case 1831): %start B where B only appears on a right-hand side was accepted,
        // and the written grammar started from A.
        var error = Assert.Throws<UserInputException>(() => NltkGrammarFormat.Read(new StringReader("%start B\nA -> 'a' B [0.25] | [0.75]\n")));
        Assert.Equal("line 1, column 8: start symbol B has no rules of its own (it only appears on right-hand sides); add a rule B -> ... or start from another symbol", error.Message);
    }

    /// <summary>Reads <paramref name="text"/> and checks the reader's contract; fails naming <paramref name="where"/>.</summary>
    internal static void CheckReaderContract(string text, string where)
    {
        Grammar grammar;
        try
        {
            grammar = NltkGrammarFormat.Read(new StringReader(text));
        }
        catch (UserInputException ex)
        {
            Assert.True(!ex.Message.Contains('\n', StringComparison.Ordinal) && !ex.Message.Contains('\r', StringComparison.Ordinal) && LineAndColumn.IsMatch(ex.Message),
                $"{where}: error is not one line naming line and column: {Escape(ex.Message)}\ninput: {Escape(text)}");
            return;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: {ex.GetType().Name}: {ex.Message}\ninput: {Escape(text)}\n{ex.StackTrace}");
            return;
        }

        // Accepted: what the writer makes of it must read back as the same grammar, and write the same text again.
        string written;
        try
        {
            using var writer = new StringWriter();
            NltkGrammarFormat.Write(grammar, writer);
            written = writer.ToString();
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: read, but cannot be written back ({ex.GetType().Name}: {ex.Message})\ninput: {Escape(text)}");
            return;
        }

        Grammar again;
        try
        {
            again = NltkGrammarFormat.Read(new StringReader(written));
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: written text does not read back ({ex.GetType().Name}: {ex.Message})\ninput: {Escape(text)}\nwritten: {Escape(written)}");
            return;
        }

        // The writer puts the start symbol's rules first (NLTK takes the first left-hand side as the start), so a
        // %start grammar comes back renumbered: compare by names and terminal texts, not indices.
        Assert.True(Canonical(grammar) == Canonical(again), $"{where}: read back as a different grammar\ninput: {Escape(text)}\nwritten: {Escape(written)}");
        using var second = new StringWriter();
        NltkGrammarFormat.Write(again, second);
        Assert.Equal(written, second.ToString());
    }

    /// <summary>The grammar as text independent of numbering: start name, then each nonterminal's rules in order.</summary>
    private static string Canonical(Grammar grammar)
    {
        var lines = new List<string>();
        for (var a = 0; a < grammar.NonterminalCount; a++)
        {
            var rules = grammar.RulesOf(a).Select(p => string.Join(' ', p.Rhs.Select(code => !SymbolCode.IsNonterminal(code)
                    ? "'" + grammar.TerminalText(code) + "'"
                    : grammar.NonterminalName(SymbolCode.NonterminalIndex(code))))
                + " [" + BitConverter.DoubleToInt64Bits(p.Probability).ToString(System.Globalization.CultureInfo.InvariantCulture) + "]");
            lines.Add(grammar.NonterminalName(a) + " -> " + string.Join(" | ", rules));
        }

        lines.Sort(StringComparer.Ordinal);
        return "start " + grammar.NonterminalName(grammar.Start) + "\n" + string.Join('\n', lines);
    }

    private static List<string> SeedGrammars()
    {
        var corpus = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SharedFiles.RepositoryRoot, "grammars"), "*.pcfg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            // Large files make each case slow without exercising more of the reader.
            corpus.Add(text.Length > 20_000 ? text[..20_000] : text);
        }

        using var writer = new StringWriter();
        NltkGrammarFormat.Write(RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 4), writer);
        corpus.Add(writer.ToString());
        corpus.Add("S -> NP VP [1.0]\nNP -> Det N [0.6]\n    | 'I' [0.4]\nVP -> 'ran' [0.7] | V NP [0.3]\nDet -> \"the\" [1.0]\nN -> 'dog' [0.5] | 'cat' [0.5]\nV -> 'saw' [1.0]\n");
        corpus.Add("%start B\nA -> 'a' [1.0]\nB -> A B [0.25] \\\n  | [0.75]\n");
        return corpus;
    }

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0)
        {
            return Fragments[random.Next(Fragments.Length)];
        }

        var at = random.Next(text.Length + 1);
        switch (random.Next(7))
        {
            case 0: // delete a span
                var length = Math.Min(1 + random.Next(8), text.Length - Math.Min(at, text.Length - 1));
                return text.Remove(Math.Min(at, text.Length - 1), length);
            case 1: // insert a fragment
                return text.Insert(at, Fragments[random.Next(Fragments.Length)]);
            case 2: // replace one character
                var c = Math.Min(at, text.Length - 1);
                return string.Concat(text.AsSpan(0, c), Fragments[random.Next(Fragments.Length)], text.AsSpan(c + 1));
            case 3: // truncate
                return text[..at];
            case 4: // duplicate a line
                var lines = text.Split('\n');
                var l = random.Next(lines.Length);
                return string.Join('\n', lines.Take(l + 1).Append(lines[l]).Concat(lines.Skip(l + 1)));
            case 5: // swap two lines
                var all = text.Split('\n');
                var (x, y) = (random.Next(all.Length), random.Next(all.Length));
                (all[x], all[y]) = (all[y], all[x]);
                return string.Join('\n', all);
            default: // change a probability
                var open = text.IndexOf('[', at < text.Length ? at : 0);
                var close = open < 0 ? -1 : text.IndexOf(']', open);
                return close < 0 ? text : string.Concat(text.AsSpan(0, open + 1), Fragments[random.Next(Fragments.Length)].Trim('[', ']'), text.AsSpan(close));
        }
    }

    private static string Escape(string text)
    {
        var shown = text.Length > 600 ? text[..600] + "..." : text;
        return shown.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
    }
}
