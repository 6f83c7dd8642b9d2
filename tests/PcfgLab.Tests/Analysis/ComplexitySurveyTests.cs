using PcfgLab.Analysis;
using PcfgLab.Grammars;
using PcfgLab.Reporting;

namespace PcfgLab.Tests.Analysis;

public sealed class ComplexitySurveyTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-survey-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Default_grammars_are_the_study_presets_at_three_seeds_the_other_presets_and_random_specs()
    {
        var grammars = ComplexitySurvey.DefaultGrammars(5, 1);
        Assert.Equal(18, grammars.Count(g => g.Group == GrammarPresets.StudyGroup));
        Assert.Equal([1L, 2L, 3L], grammars.Where(g => g.Name == "gzipscale-0.35").Select(g => g.Seed.Value));
        Assert.Equal(GrammarPresets.All.Count - 6, grammars.Count(g => g.Group is GrammarPresets.IsoVocabularyGroup or GrammarPresets.EqualCompressibilityGroup));
        var random = grammars.Where(g => g.Group == "random").ToArray();
        Assert.Equal(5, random.Length);
        Assert.All(random, g => Assert.InRange(g.Spec.Terminals, 10, 2000));
        Assert.Equal(random.Select(g => g.Spec), ComplexitySurvey.DefaultGrammars(5, 1).Where(g => g.Group == "random").Select(g => g.Spec));
        Assert.NotEqual(random.Select(g => g.Spec), ComplexitySurvey.DefaultGrammars(5, 2).Where(g => g.Group == "random").Select(g => g.Spec));
    }

    [Fact]
    public void Run_measures_gzip_and_entropy_rate_and_skips_grammars_without_one()
    {
        SurveyGrammar[] grammars =
        [
            new("a", "study", GrammarPresets.Get("gzipscale-0.11").Spec, new Seed(1)),
            new("b", "study", GrammarPresets.Get("gzipscale-0.22").Spec, new Seed(1)),
            new("c", "study", GrammarPresets.Get("gzipscale-0.35").Spec, new Seed(1)),
            new("d", "study", GrammarPresets.Get("gzipscale-0.42").Spec, new Seed(1)),
            new("long", "study", GrammarPresets.Get("gzipscale-0.61").Spec, new Seed(1)), // E|S| = 63.1, above the cap of 30 here
        ];
        var result = ComplexitySurvey.Run(grammars, gzipDocuments: 30, sentences: 200, maxSentenceLength: 30);
        Assert.Equal(["a", "b", "c", "d"], result.Points.Select(p => p.Grammar.Name));
        Assert.Contains(result.Skipped, s => s.StartsWith("long (100,2000,100,30) seed 1", StringComparison.Ordinal) && s.Contains("E|S| = 63.1", StringComparison.Ordinal));
        foreach (var p in result.Points)
        {
            Assert.InRange(p.GzipMedian, 0.05, 0.7);
            Assert.Equal(p.Rate.RateNats / Math.Log(p.Vocabulary), p.RateOverLogVocabulary, 14);
        }

        var gzip = result.Points.Select(p => p.GzipMedian).ToArray();
        var normalised = result.Points.Select(p => p.RateOverLogVocabulary).ToArray();
        Assert.Equal(MathNet.Numerics.Statistics.Correlation.Pearson(gzip, normalised), result.PearsonNormalised, 14);

        var markdown = ComplexitySurveyReport.Write(result, _root.FullName);
        Assert.Contains("Pearson", markdown, StringComparison.Ordinal);
        Assert.Contains("| a | study |", markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root.FullName, "survey.md")));
        Assert.True(File.Exists(Path.Combine(_root.FullName, "figures", "gzip-vs-entropy-rate.png")));
        Assert.True(File.Exists(Path.Combine(_root.FullName, "figures", "gzip-vs-entropy-rate-nats.svg")));
    }

    [Fact]
    public void Fewer_than_three_measured_grammars_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => ComplexitySurvey.Run([new SurveyGrammar("a", "study", GrammarPresets.Get("gzipscale-0.11").Spec, new Seed(1))], 10, 50));
        Assert.Contains("at least 3", error.Message, StringComparison.Ordinal);
    }
}
