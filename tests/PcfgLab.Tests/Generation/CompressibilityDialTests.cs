using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;

namespace PcfgLab.Tests.Generation;

public class CompressibilityDialTests
{
    [Fact]
    public void Ladder_positions_are_the_study_presets_and_interpolate_between_them()
    {
        Assert.Equal(new GrammarSpec(2, 10, 2, 2), CompressibilityDial.Ladder[0]);
        Assert.Equal(
            ["(3,20,2,2)", "(10,150,5,3)", "(20,300,10,5)", "(30,400,10,8)", "(50,500,20,15)", "(100,2000,100,30)"],
            CompressibilityDial.Ladder.Skip(1).Select(s => s.ToString()));
        for (var k = 0; k < CompressibilityDial.Ladder.Count; k++)
        {
            Assert.Equal(CompressibilityDial.Ladder[k], CompressibilityDial.SpecAt(k));
        }

        // Geometric midpoint of (20,300,10,5) and (30,400,10,8): sqrt(600) = 24.5, sqrt(120000) = 346.4, 10, sqrt(40) = 6.3.
        Assert.Equal(new GrammarSpec(24, 346, 10, 6), CompressibilityDial.SpecAt(3.5));
        Assert.Equal(CompressibilityDial.Ladder[0], CompressibilityDial.SpecAt(-1));
    }

    [Fact]
    public void Bounds_clamp_specs_and_fix_the_vocabulary()
    {
        var bounds = new DialBounds { Terminals = 300, Nonterminals = (10, 40), MaxLength = (1, 6) };
        Assert.Equal(new GrammarSpec(40, 300, 100, 6), bounds.Clamp(new GrammarSpec(100, 2000, 100, 30)));
        Assert.Equal(new GrammarSpec(10, 300, 2, 2), bounds.Clamp(new GrammarSpec(3, 20, 2, 2)));
        Assert.Equal(new GrammarSpec(10, 300, 2, 2), bounds.Clamp(CompressibilityDial.SpecAt(0)));
        Assert.Equal((10, 50), DialBounds.ParseRange("10..50", "x"));
        Assert.Equal((7, 7), DialBounds.ParseRange("7", "x"));
        Assert.Throws<UserInputException>(() => DialBounds.ParseRange("10-50", "x"));
        Assert.Throws<UserInputException>(() => new DialBounds { Nonterminals = (5, 2) }.Validate());
    }

    [Fact]
    public void Classify_rejects_critical_and_supercritical_grammars()
    {
        // Reference README: (3,20,2,2) seed 7 reaches a unit cycle (spectral radius exactly 1, q_S = 0.24);
        // (100,300,100,30) has spectral radius about 3.9 and q_S = 0.11.
        Assert.Equal("critical", CompressibilityDial.Classify(RandomGrammarBuilder.Build(new GrammarSpec(3, 20, 2, 2), 7)));
        Assert.Equal("supercritical", CompressibilityDial.Classify(RandomGrammarBuilder.Build(new GrammarSpec(100, 300, 100, 30), 1)));
        Assert.Equal("measured", CompressibilityDial.Classify(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1)));
    }

    [Fact]
    public void Critical_grammar_with_q_one_is_rejected()
    {
        // S -> N0; N0 -> N0 N0 (1/2) | a (1/2): q = 1 but the mean offspring is exactly 1 (critical branching).
        var rules = new List<IReadOnlyList<Production>>
        {
            new[] { new Production(0, [SymbolCode.Nonterminal(1)], 1.0) },
            new[] { new Production(1, [SymbolCode.Nonterminal(1), SymbolCode.Nonterminal(1)], 0.5), new Production(1, [SymbolCode.Terminal(1)], 0.5) },
        };
        var grammar = new Grammar(["S", "N0"], 0, rules);
        Assert.Equal("critical", CompressibilityDial.Classify(grammar));
    }

    [Fact]
    public void Median_of_a_study_preset_matches_the_reference_measurement()
    {
        // Reference README: (20,300,10,5) seed 1 has median 0.3760 over 1000 of its documents; the median of 500
        // documents has a standard error near 0.001 (stdev 0.015), so 0.01 also covers the sampler's different stream.
        var median = CompressibilityDial.MeasureMedian(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1), 500, 256, 1);
        Assert.InRange(median, 0.366, 0.386);
    }

    [Fact]
    public void Search_hits_the_target_deterministically_and_reports_its_path()
    {
        var options = new DialOptions { Target = 0.30, Tolerance = 0.01, DocumentsPerCandidate = 300, Seed = new(2) };
        var seen = new List<DialCandidate>();
        var result = CompressibilityDial.Search(options, seen.Add);
        Assert.InRange(result.Median, 0.29, 0.31);
        Assert.Equal(result.Path, seen);
        Assert.Equal(result.Median, CompressibilityDial.MeasureMedian(result.Grammar, 300, 256, 2));
        Assert.Equal(result.Spec, result.Grammar.Origin!.Spec);
        Assert.Equal("measured", CompressibilityDial.Classify(result.Grammar));

        var again = CompressibilityDial.Search(options);
        Assert.Equal(result.Path.Select(c => (c.Spec, c.GrammarSeed, c.Median)), again.Path.Select(c => (c.Spec, c.GrammarSeed, c.Median)));
    }

    [Fact]
    public void With_a_dataset_sample_the_found_median_is_the_datasets_and_aims_inside_half_the_tolerance()
    {
        var sample = new DialSample(Population: 3907, Documents: 1000, Seed: 0);
        var options = new DialOptions { Target = 0.45, Tolerance = 0.01, Seed = new(1), DatasetSample = sample, Deflate = DeflateImplementation.Zlib };
        var result = CompressibilityDial.Search(options);
        Assert.InRange(result.Median, 0.445, 0.455);

        // The figure the dataset's manifest will carry: the same documents regenerated by index.
        var sampler = new PcfgLab.Sampling.DocumentSampler(PcfgLab.Sampling.CompiledGrammar.Renormalised(result.Grammar), 1, 256);
        var dataset = GzipSample.MeasureRegenerated(sampler, sample.Population, sample.Documents, sample.Seed, DeflateImplementation.Zlib);
        Assert.Equal(result.Median, dataset.Summary.Median);
        Assert.Equal(DeflateImplementation.Zlib, dataset.Deflate);

        var entry = result.ToEntry(options);
        Assert.Equal("zlib", entry.Deflate);
        Assert.Equal("dataset-sample", entry.Measure);
        Assert.Equal(1000, entry.DocumentsPerCandidate);
    }

    [Fact]
    public void An_aim_fraction_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressibilityDial.Search(new DialOptions { Target = 0.3, AimFraction = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressibilityDial.Search(new DialOptions { Target = 0.3, AimFraction = 1.5 }));
    }

    [Fact]
    public void A_negative_seed_is_refused_before_any_candidate_is_measured()
    {
        var measured = 0;

        var error = Assert.Throws<UserInputException>(() => CompressibilityDial.Search(new DialOptions { Target = 0.3, Seed = new(-1) }, _ => measured++));

        Assert.Equal("Seed must be zero or positive, got -1.", error.Message);
        Assert.Equal(0, measured);
    }

    [Fact]
    public void Search_keeps_a_fixed_vocabulary()
    {
        var result = CompressibilityDial.Search(new DialOptions { Target = 0.45, Tolerance = 0.015, DocumentsPerCandidate = 300, Bounds = new DialBounds { Terminals = 300 } });
        Assert.Equal(300, result.Spec.Terminals);
        Assert.InRange(result.Median, 0.435, 0.465);
    }

    [Fact]
    public void A_target_outside_the_reachable_range_is_a_one_line_error_naming_the_range()
    {
        var error = Assert.Throws<UserInputException>(() => CompressibilityDial.Search(new DialOptions { Target = 0.95, DocumentsPerCandidate = 200 }));
        Assert.Contains("outside what these bounds reach (medians 0.", error.Message, StringComparison.Ordinal);

        error = Assert.Throws<UserInputException>(() => CompressibilityDial.Search(new DialOptions { Target = 0.5, DocumentsPerCandidate = 200, Bounds = new DialBounds { Nonterminals = (3, 10), MaxLength = (1, 3) } }));
        Assert.Contains("outside what these bounds reach", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dataset_sample_counts_whole_documents_and_refuses_no_documents()
    {
        Assert.Equal(new DialSample(1172, 1000, 42), DialSample.ForDataset(300_000, 256, 1000, 42)); // ceil(300000 / 256)
        Assert.Equal(new DialSample(2, 5, 1), DialSample.ForDataset(512, 256, 5, 1));
        Assert.Equal("--gzip-docs must be positive, got 0.", Assert.Throws<UserInputException>(() => DialSample.ForDataset(512, 256, 0, 1)).Message);
    }
}
