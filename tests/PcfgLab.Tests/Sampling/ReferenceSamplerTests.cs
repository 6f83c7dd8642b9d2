using System.Globalization;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sampling;

public sealed class ReferenceSamplerTests
{
    public static TheoryData<int, int, int, int, int> Fixtures()
    {
        var data = new TheoryData<int, int, int, int, int>();
        int[][] presets = [[3, 20, 2, 2], [10, 150, 5, 3], [20, 300, 10, 5], [30, 400, 10, 8], [50, 500, 20, 15], [100, 2000, 100, 30]];
        foreach (var p in presets)
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                data.Add(p[0], p[1], p[2], p[3], seed);
            }
        }

        return data;
    }

    [SharedTheory]
    [MemberData(nameof(Fixtures))]
    public void First_32_documents_equal_the_reference_fixture(int nonterminals, int terminals, int options, int length, int seed)
    {
        var spec = new GrammarSpec(nonterminals, terminals, options, length);
        var path = SharedFiles.PathOf("reference", "fixtures", $"{spec.ToSlug()}_s{seed}.docs.txt");
        var expected = File.ReadAllLines(path);
        Assert.Equal(32, expected.Length);

        var sampler = new ReferenceSampler(spec, new Seed(seed));
        var actual = sampler.Documents(32L * 256).ToList();

        Assert.Equal(32, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], Format(actual[i]));
        }
    }

    [Fact]
    public void Documents_have_255_or_256_tokens_and_the_count_follows_the_reference_charge()
    {
        var sampler = new ReferenceSampler(new GrammarSpec(10, 150, 5, 3), new Seed(4));
        // The reference charges every document 256, so 1000 tokens give ceil(1000 / 256) = 4 documents.
        var documents = sampler.Documents(1000).ToList();
        Assert.Equal(4, documents.Count);
        Assert.All(documents, d => Assert.InRange(d.Length, 255, 256));
    }

    [Fact]
    public void Grammar_uses_the_reference_terminal_ids()
    {
        var sampler = new ReferenceSampler(new GrammarSpec(3, 20, 2, 2), new Seed(7));
        var reference = RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7, firstTerminalId: 0);
        Assert.Equal(reference.RuleCount, sampler.Grammar.RuleCount);
        Assert.Equal([8], sampler.Grammar.RulesOf(1)[1].Rhs);
    }

    [Fact]
    public void Unit_cycle_grammar_rejects_deep_derivations_and_keeps_one_token_sentences()
    {
        // (3,20,2,2) seed 7: S -> N0 | N1 | N2, N0 -> N2 | '8', N1 -> N1, N2 -> N2 '4'. Only S -> N0 -> '8' finishes;
        // every other derivation nests until the depth limit and is thrown away. Documents are "8 0 8 0 ... 8".
        var sampler = new ReferenceSampler(new GrammarSpec(3, 20, 2, 2), new Seed(7));
        var document = Assert.Single(sampler.Documents(256));
        Assert.Equal(255, document.Length);
        for (var i = 0; i < document.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 8 : 0, document[i]);
        }

        // 128 sentences kept, each accepted with probability q_S = 0.239: about 400 rejections, so far more than 100.
        Assert.True(sampler.RejectedSentences > 100, $"only {sampler.RejectedSentences} rejections");
    }

    public static TheoryData<int, int, int, int, int, int> GeneratorCases() => new()
    {
        { 3, 20, 2, 2, 4, 40_000 },
        { 3, 20, 2, 2, 11, 40_000 },
        { 3, 20, 2, 2, 12, 40_000 },
        { 10, 150, 5, 3, 4, 60_000 },
        { 10, 150, 5, 3, 17, 60_000 },
        { 20, 300, 10, 5, 5, 80_000 },
        { 30, 400, 10, 8, 6, 80_000 },
        { 50, 500, 20, 15, 7, 80_000 },

        // Supercritical (q_S about 0.95): some derivations pass the depth limit, so this checks the rejection path too.
        { 50, 500, 20, 15, 10, 20_000 },
    };

    [ReferencePythonTheory]
    [MemberData(nameof(GeneratorCases))]
    public void Every_document_equals_the_python_reference_generator(int nonterminals, int terminals, int options, int length, int seed, int tokens)
    {
        var script = SharedFiles.PathOf("reference", "reference_generator.py");
        string[] args = [script, .. new[] { nonterminals, terminals, options, length, tokens, seed }.Select(x => x.ToString(CultureInfo.InvariantCulture))];
        var expected = ReferencePython.Run(args);

        var actual = new ReferenceSampler(new GrammarSpec(nonterminals, terminals, options, length), new Seed(seed)).Documents(tokens).ToList();
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], Format(actual[i]));
        }
    }

    [Fact]
    public void Supercritical_seed_rejects_derivations_at_the_depth_limit()
    {
        // The case above is only a rejection test if rejections happen in its first 20,000 tokens.
        var sampler = new ReferenceSampler(new GrammarSpec(50, 500, 20, 15), new Seed(10));
        _ = sampler.Documents(20_000).Count();
        Assert.True(sampler.RejectedSentences > 0);
    }

    internal static string Format(int[] document) =>
        string.Join(' ', document.Select(t => t.ToString(CultureInfo.InvariantCulture)));
}
