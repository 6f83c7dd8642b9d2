using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public sealed class GzipSampleTests
{
    [Fact]
    public void Chosen_documents_are_distinct_ascending_in_range_and_seeded()
    {
        var a = GzipSample.ChooseDocuments(1_000_000_000_000, 1000, 7);
        Assert.Equal(1000, a.Length);
        for (var i = 1; i < a.Length; i++)
        {
            Assert.True(a[i] > a[i - 1]);
        }

        Assert.InRange(a[0], 0, 999_999_999_999);
        Assert.InRange(a[^1], 0, 999_999_999_999);
        Assert.Equal(a, GzipSample.ChooseDocuments(1_000_000_000_000, 1000, 7));
        Assert.NotEqual(a, GzipSample.ChooseDocuments(1_000_000_000_000, 1000, 8));
    }

    [Fact]
    public void A_sample_as_large_as_the_population_takes_everything()
    {
        Assert.Equal([0L, 1L, 2L], GzipSample.ChooseDocuments(3, 1000, 0));
        Assert.Equal([0L, 1L, 2L], GzipSample.ChooseDocuments(3, 3, 0));
    }

    [Fact]
    public void Every_document_is_equally_likely()
    {
        // 20,000 samples of 5 of 20: each index is chosen 5000 times in expectation. Chi-square with 19 degrees of
        // freedom: the 1e-6 upper quantile is about 58.4, so a correct sampler fails this once in a million runs.
        const int Population = 20;
        var counts = new long[Population];
        for (ulong seed = 0; seed < 20_000; seed++)
        {
            foreach (var index in GzipSample.ChooseDocuments(Population, 5, seed))
            {
                counts[index]++;
            }
        }

        const double Expected = 20_000.0 * 5 / Population;
        var chiSquare = counts.Sum(c => (c - Expected) * (c - Expected) / Expected);
        Assert.True(chiSquare < 58.4, $"chi-square {chiSquare}");
    }

    [Fact]
    public void Summarise_measures_each_document_with_the_study_gzip()
    {
        int[][] documents = [[1, 2, 3, 4], [5, 5, 5, 5, 5, 5, 5, 5], [9]];
        var statistics = GzipSample.Summarise(documents, 3, 10, "test");
        var measure = new GzipCompressibility();
        var ratios = documents.Select(d => measure.Ratio(d)).Order().ToArray();
        Assert.Equal(ratios[1], statistics.Summary.Median);
        Assert.Equal(3, statistics.Summary.Count);
        Assert.Equal(10, statistics.Population);
        Assert.Throws<UserInputException>(() => GzipSample.Summarise([], 0, 0, "test"));
    }

    [Theory]
    [InlineData(DeflateImplementation.ZlibNg)]
    [InlineData(DeflateImplementation.Zlib)]
    public void MeasureRegenerated_gives_the_same_statistics_on_any_number_of_threads(DeflateImplementation deflate)
    {
        var grammar = PcfgLab.Sampling.CompiledGrammar.Renormalised(PcfgLab.Grammars.RandomGrammarBuilder.Build(new PcfgLab.Grammars.GrammarSpec(20, 300, 10, 5), 1));
        var sampler = new PcfgLab.Sampling.DocumentSampler(grammar, 7, 64);

        // Reference: the chosen documents sampled and measured one by one.
        var indices = GzipSample.ChooseDocuments(5000, 301, 3);
        var documents = indices.Select(i =>
        {
            var document = new int[64];
            sampler.SampleDocument(i, document);
            return document;
        }).ToArray();
        var expected = GzipSample.Summarise(documents, 3, 5000, "regenerated", deflate);
        foreach (var threads in new[] { 1, 2, 3, 8 })
        {
            Assert.Equal(expected, GzipSample.MeasureRegenerated(sampler, 5000, 301, 3, deflate, threads));
        }
    }
}
