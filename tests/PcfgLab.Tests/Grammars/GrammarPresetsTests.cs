using PcfgLab.Grammars;

namespace PcfgLab.Tests.Grammars;

public sealed class GrammarPresetsTests
{
    [Fact]
    public void Study_presets_are_the_six_datasets_in_order()
    {
        Assert.Equal(
            ["gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61"],
            GrammarPresets.Study.Select(p => p.Name));
        Assert.Equal(
            [new GrammarSpec(3, 20, 2, 2), new GrammarSpec(10, 150, 5, 3), new GrammarSpec(20, 300, 10, 5),
             new GrammarSpec(30, 400, 10, 8), new GrammarSpec(50, 500, 20, 15), new GrammarSpec(100, 2000, 100, 30)],
            GrammarPresets.Study.Select(p => p.Spec));
        Assert.All(GrammarPresets.Study, p => Assert.Equal(GrammarPresets.StudyGroup, p.Group));
    }

    [Fact]
    public void All_lists_the_three_groups_with_unique_names()
    {
        Assert.Equal(14, GrammarPresets.All.Count);
        Assert.Equal(GrammarPresets.All.Count, GrammarPresets.All.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(
            ["isovocab-3_300_2_2", "isovocab-10_300_5_3", "isovocab-20_300_10_5", "isovocab-50_300_20_10"],
            GrammarPresets.All.Where(p => p.Group == GrammarPresets.IsoVocabularyGroup).Select(p => p.Name));
        Assert.Equal(
            ["equalgzip-10_500_5_10", "equalgzip-20_300_10_5", "equalgzip-30_200_15_20", "equalgzip-50_100_30_15"],
            GrammarPresets.All.Where(p => p.Group == GrammarPresets.EqualCompressibilityGroup).Select(p => p.Name));
        Assert.All(GrammarPresets.All, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
        Assert.All(GrammarPresets.All.Where(p => p.Group != GrammarPresets.StudyGroup), p => Assert.EndsWith(p.Spec.ToSlug(), p.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gzipscale-0.35", "gzipscale-0.35")]
    [InlineData("GZIPSCALE-0.61", "gzipscale-0.61")]
    [InlineData("isovocab-50_300_20_10", "isovocab-50_300_20_10")]
    [InlineData("EqualGzip-30_200_15_20", "equalgzip-30_200_15_20")]
    [InlineData("20_300_10_5", "gzipscale-0.35")]
    [InlineData("(50,300,20,10)", "isovocab-50_300_20_10")]
    [InlineData("50_100_30_15", "equalgzip-50_100_30_15")]
    public void Get_finds_presets_by_name_or_slug(string key, string expected)
    {
        Assert.Equal(expected, GrammarPresets.Get(key).Name);
    }

    [Theory]
    [InlineData("gzipscale-0.99")]
    [InlineData("1_2_3_4")]
    [InlineData("")]
    public void Unknown_presets_are_refused_with_the_list_of_names(string key)
    {
        var ex = Assert.Throws<UserInputException>(() => GrammarPresets.Get(key));

        Assert.Contains("Unknown grammar preset", ex.Message, StringComparison.Ordinal);
        Assert.All(GrammarPresets.All, p => Assert.Contains(p.Name, ex.Message, StringComparison.Ordinal));
    }
}
