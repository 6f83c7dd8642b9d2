using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Analysis;

public sealed class PredictorTableTests
{
    /// <summary>
    /// A dataset whose alpha is identified at <paramref name="alpha"/> (beta 0.3), with <paramref name="resamples"/>
    /// bootstrap laws: alpha + offset, offsets -0.01, 0, +0.01 in turn.
    /// </summary>
    internal static DatasetResults Dataset(string name, double h, int vocabulary, double floor, double entropyRate, double alpha, bool identified = true, int resamples = 30)
    {
        var law = new ChinchillaParameters(floor, 100, 100, alpha, 0.3);
        var fit = new LawFit(law);
        ParameterEstimate Estimate(string p, double v) => new(p, v, v * 0.9, v * 1.1, identified ? null : "95% interval spans a factor 9");
        var id = new DatasetIdentification(name, floor, fit, [new("E", floor, null, null, null, FixedAtFloor: true), Estimate("alpha", alpha), Estimate("beta", 0.3), Estimate("a", law.ParameterAllocationExponent)], null)
        {
            Resamples = [.. Enumerable.Range(0, resamples).Select(r => law with { Alpha = alpha + (0.01 * ((r % 3) - 1)) })],
        };
        return new DatasetResults(name, h, 0.01, null, [], fit, null, new DatasetFloorInfo(floor, floor - 0.01, floor + 0.01, entropyRate, null, null))
        {
            Identification = id,
            Vocabulary = vocabulary,
        };
    }

    [Fact]
    public void AnExactLineHasItsSlopeAnExactFitAndNoLeaveOneOutError()
    {
        // alpha = 0.2 + 0.5 H exactly on four datasets.
        double[] hs = [0.2, 0.3, 0.4, 0.6];
        var datasets = hs.Select((h, i) => Dataset($"d{i}", h, 100 * (i + 1), 1.0 + i, 0.9 + i, 0.2 + (0.5 * h))).ToArray();

        var row = PredictorTable.Fit(datasets, "alpha", "gzip H");

        Assert.Null(row.NotFitted);
        Assert.Equal(4, row.Datasets);
        Assert.Equal(0.5, row.Slope!.Value, 12);
        Assert.Equal(0.2, row.Intercept!.Value, 12);
        Assert.Equal(1.0, row.RSquared!.Value, 12);
        Assert.Equal(0.0, row.LeaveOneOutRmse!.Value, 12);

        // Every resample moves every dataset's alpha by the same offset: the slope never changes.
        Assert.Equal(30, row.Slopes.Count);
        Assert.Equal(0.5, row.Lower!.Value, 10);
        Assert.Equal(0.5, row.Upper!.Value, 10);
    }

    [Fact]
    public void EveryPredictorIsReadFromTheManifest()
    {
        var d = Dataset("d", 0.35, 300, 1.1, 0.99, 0.4);

        Assert.Equal(0.35, PredictorTable.PredictorValue(d, "gzip H"));
        Assert.Equal(Math.Log(300), PredictorTable.PredictorValue(d, "ln V"));
        Assert.Equal(0.99, PredictorTable.PredictorValue(d, "h"));
        Assert.Equal(0.99 / Math.Log(300), PredictorTable.PredictorValue(d, "h/ln V"));
        Assert.Equal(1.1, PredictorTable.PredictorValue(d, "floor"));
    }

    [Fact]
    public void UnidentifiedDatasetsAreLeftOutAndTooFewAreNotFitted()
    {
        DatasetResults[] datasets =
        [
            Dataset("a", 0.2, 100, 1, 1, 0.3),
            Dataset("b", 0.3, 200, 1, 1, 0.35),
            Dataset("c", 0.4, 300, 1, 1, 9.0, identified: false),
            Dataset("d", 0.5, 400, 1, 1, 7.0, identified: false),
        ];

        var table = PredictorTable.Build(datasets);

        Assert.Equal(15, table.Count);
        Assert.All(table, row => Assert.Null(row.Slope));
        Assert.Equal("identified on 2 dataset(s) with a known gzip H; a line needs 3", table.Single(r => r is { Parameter: "alpha", Predictor: "gzip H" }).NotFitted);
    }

    [Fact]
    public void Datasets_of_one_grammar_count_once()
    {
        // gzipscale-0.35 and isovocab-20_300_10_5 are one grammar at one seed: the same point twice would halve the
        // slope's standard error for nothing.
        double[] hs = [0.2, 0.35, 0.5];
        var datasets = hs.Select((h, i) => Dataset($"d{i}", h, 300, 1, 1, 0.2 + (0.5 * h)) with { GrammarSha256 = "g" + i }).ToList();
        datasets.Add(Dataset("copy-of-d1", 0.35, 300, 1, 1, 0.2 + (0.5 * 0.35)) with { GrammarSha256 = "g1" });
        datasets.Add(Dataset("no-hash", 0.6, 300, 1, 1, 0.5));

        Assert.Equal(["d0", "d1", "d2", "no-hash"], PredictorTable.DistinctGrammars(datasets).Select(d => d.Name));
        Assert.Equal(4, PredictorTable.Build(datasets).First(r => r.Parameter == "alpha" && r.Predictor == "gzip H").Datasets);
    }

    [Fact]
    public void The_iso_vocabulary_series_is_its_presets_and_the_study_preset_of_the_same_grammar()
    {
        var names = new[] { "isovocab-3_300_2_2", "gzipscale-0.35", "isovocab-20_300_10_5", "isovocab-50_300_20_10", "gzipscale-0.51", "data/mine" };
        var datasets = names.Select((n, i) => Dataset(n, 0.1 * (i + 1), 300, 1, 1, 0.3 + (0.1 * i)) with { GrammarSha256 = n == "isovocab-20_300_10_5" ? "h-0.35" : n == "gzipscale-0.35" ? "h-0.35" : "h" + n }).ToArray();

        var series = PredictorTable.IsoVocabularySeries(datasets);

        Assert.Equal(["isovocab-3_300_2_2", "gzipscale-0.35", "isovocab-50_300_20_10"], series.Select(d => d.Name));
        var rows = PredictorTable.BuildIsoVocabulary(datasets);
        Assert.Equal(["alpha", "beta", "a"], rows.Select(r => r.Parameter));
        Assert.All(rows, r => Assert.Equal("gzip H", r.Predictor));
        Assert.All(rows, r => Assert.Equal(3, r.Datasets));
    }
}
