using System.Globalization;
using PcfgLab.Cli;
using PcfgLab.Grammars;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Grammars;

/// <summary>The committed grammar files under grammars/ at the repository root.</summary>
public sealed class GrammarFilesTests
{
    private static readonly string GrammarsRoot = Path.Combine(SharedFiles.RepositoryRoot, "grammars");

    public static TheoryData<string> PresetNames()
    {
        var data = new TheoryData<string>();
        foreach (var preset in GrammarPresets.All)
        {
            data.Add(preset.Name);
        }

        return data;
    }

    public static TheoryData<string> HandwrittenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(GrammarsRoot, "handwritten"), "*.pcfg").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static string[] WithoutVersionLine(string text) =>
        text.Split('\n').Where(line => !line.StartsWith("# tool:", StringComparison.Ordinal)).ToArray();

    [Theory]
    [MemberData(nameof(PresetNames))]
    public async Task Committed_preset_file_is_what_grammar_new_writes_at_seed_1(string name)
    {
        var preset = GrammarPresets.Get(name);
        var path = Path.Combine(GrammarsRoot, preset.Group, preset.Name + ".pcfg");
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        var code = await PcfgLabApp.RunAsync(["grammar", "new", "--preset", name, "--seed", "1"], output, error, interactive: false);

        Assert.Equal(0, code);
        Assert.Equal(WithoutVersionLine(File.ReadAllText(path)), WithoutVersionLine(output.ToString()));
        var loaded = NltkGrammarFormat.Load(path);
        Assert.Equal(new GrammarOrigin(preset.Spec, 1, 1), loaded.Origin);
    }

    [Fact]
    public void Every_random_grammar_file_belongs_to_a_preset()
    {
        var expected = GrammarPresets.All.Select(p => Path.Combine(p.Group, p.Name + ".pcfg")).Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(GrammarsRoot, "*.pcfg", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(GrammarsRoot, f))
            .Where(f => !f.StartsWith("handwritten", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, present);
    }

    [Fact]
    public void Random_grammar_files_use_only_what_nltk_reader_accepts()
    {
        // NLTK 3.8's read_grammar tokens: nonterminal [\w/][\w/^<>-]*, terminal '...' or "...", probability
        // \[[\d\.]+\] (no exponent: the reference's 9.65e-05 fails here), '|' and '->'.
        var rule = new System.Text.RegularExpressions.Regex(
            @"^[\w/][\w/^<>-]* -> (?:(?:[\w/][\w/^<>-]*|'[^']*'|""[^""]*"") )*\[[\d.]+\](?: \| (?:(?:[\w/][\w/^<>-]*|'[^']*'|""[^""]*"") )*\[[\d.]+\])*$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        foreach (var preset in GrammarPresets.All)
        {
            var lines = File.ReadAllLines(Path.Combine(GrammarsRoot, preset.Group, preset.Name + ".pcfg"));
            Assert.StartsWith("S -> ", lines.First(l => !l.StartsWith('#')), StringComparison.Ordinal);
            foreach (var line in lines.Where(l => !l.StartsWith('#')))
            {
                Assert.Matches(rule, line);
            }
        }
    }

    [Theory]
    [MemberData(nameof(HandwrittenFiles))]
    public void Handwritten_grammar_loads_and_analyses(string file)
    {
        var grammar = NltkGrammarFormat.Load(Path.Combine(GrammarsRoot, "handwritten", file));

        var report = GrammarAnalysis.Analyze(grammar);

        Assert.Empty(report.UnreachableNonterminals);
        Assert.Empty(report.UnproductiveNonterminals);
        Assert.False(report.ConditionedIsCritical);
        Assert.True(report.ExpectedSentenceLength >= 1, file);
        Assert.True(report.EntropyPerTokenBits > 0, file);
    }

    [Fact]
    public void Handwritten_grammars_have_the_documented_figures()
    {
        // Dyck: rho = 0.85; E[size] = 1 / 0.15; E[len] = 2 * (0.15 + 0.1 + 0.25 + 0.2) / 0.15 = 9.333...
        var dyck = GrammarAnalysis.Analyze(NltkGrammarFormat.Load(Path.Combine(GrammarsRoot, "handwritten", "dyck.pcfg")));
        Assert.Equal(0.85, dyck.SpectralRadius, 12);
        Assert.Equal(1 / 0.15, dyck.ExpectedDerivationSize, 10);
        Assert.Equal(1.4 / 0.15, dyck.ExpectedSentenceLength, 10);

        // Supercritical binary: q = 2/3, conditioned mean length 0.6 / (1 - 0.8) = 3.
        var binary = GrammarAnalysis.Analyze(NltkGrammarFormat.Load(Path.Combine(GrammarsRoot, "handwritten", "supercritical-binary.pcfg")));
        Assert.Equal(Criticality.Supercritical, binary.Criticality);
        Assert.Equal(2.0 / 3.0, binary.StartTerminationProbability, 12);
        Assert.Equal(3.0, binary.ExpectedSentenceLength, 10);

        // Toy English: words get ids in order of first appearance; "she" (double-quoted) comes first.
        var english = NltkGrammarFormat.Load(Path.Combine(GrammarsRoot, "handwritten", "toy-english.pcfg"));
        Assert.Equal("<sep>", english.Vocabulary![0]);
        Assert.Equal("she", english.Vocabulary[1]);
        Assert.Equal(10, english.NonterminalCount);
    }

    [NltkFact]
    public async Task Every_shipped_grammar_and_grammar_new_output_loads_in_nltk()
    {
        // NLTK's reader has no continuation lines ("Unable to parse line 8: | Det Adj N [0.2]" for toy-english before).
        var files = Directory.GetFiles(GrammarsRoot, "*.pcfg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var written = Directory.CreateTempSubdirectory("pcfglab-nltk-");
        try
        {
            string[][] news =
            [
                ["--preset", "gzipscale-0.61"],
                ["--nonterminals", "30", "--terminals", "50", "--max-options", "40", "--max-length", "12", "--seed", "9"],
                ["--preset", "gzipscale-0.11", "--compat", "reference"],
            ];
            foreach (var args in news)
            {
                var path = Path.Combine(written.FullName, $"new-{files.Count}.pcfg");
                using var stdout = new StringWriter();
                using var stderr = new StringWriter();
                var code = await PcfgLabApp.RunAsync(["grammar", "new", .. args, "--out", path], stdout, stderr, interactive: false);
                Assert.True(code == 0, stderr.ToString());
                files.Add(path);
            }

            // The hand-written grammars read back and written by PcfgLab too.
            foreach (var file in Directory.GetFiles(Path.Combine(GrammarsRoot, "handwritten"), "*.pcfg"))
            {
                var path = Path.Combine(written.FullName, "rewritten-" + Path.GetFileName(file));
                NltkGrammarFormat.Save(NltkGrammarFormat.Load(file), path);
                files.Add(path);
            }

            Assert.True(files.Count >= 20, $"only {files.Count} files");
            var (exit, output, error) = NltkPython.RunScript(["load", .. files]);
            Assert.True(exit == 0, output + error);
        }
        finally
        {
            written.Delete(recursive: true);
        }
    }
}
