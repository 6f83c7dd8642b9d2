using PcfgLab.Analysis;

namespace PcfgLab.Tests.Analysis;

public sealed class StudyVerdictTests
{
    [Fact]
    public void NothingIdentifiedGivesNotIdentifiedForEveryClaim()
    {
        var table = PredictorTable.Build([PredictorTableTests.Dataset("a", 0.2, 100, 1, 1, 9, identified: false)]);

        var verdicts = StudyVerdict.Judge(table);

        Assert.Equal(3, verdicts.Count);
        Assert.All(verdicts, v => Assert.Equal(StudyVerdict.NotIdentified, v.Verdict));
        Assert.Equal(["parameter-alpha", "parameter-beta"], verdicts[0].Figures);
    }

    [Fact]
    public void ASlopeWhoseIntervalExcludesZeroSupportsVariationAndPlacesACrossing()
    {
        // alpha = 0.2 + 0.5 H: a = 0.3/(alpha+0.3) falls with H and equals Chinchilla's 0.4516 inside 0.1-0.7.
        double[] hs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        var table = PredictorTable.Build([.. hs.Select((h, i) => PredictorTableTests.Dataset($"d{i}", h, 100, 1, 1, 0.2 + (0.5 * h)))]);

        var verdicts = StudyVerdict.Judge(table);

        Assert.Equal(StudyVerdict.Supported, verdicts[0].Verdict);
        Assert.Equal(StudyVerdict.Supported, verdicts[1].Verdict);
        Assert.Equal(StudyVerdict.Supported, verdicts[2].Verdict);
        Assert.StartsWith("a = 0.452 at H = 0.", verdicts[2].Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlatTrendContradictsVariation()
    {
        // alpha the same 0.4 everywhere (resamples +-0.01 in step): the interval is 0 and the exponents do not vary.
        double[] hs = [0.1, 0.3, 0.5, 0.7];
        var table = PredictorTable.Build([.. hs.Select((h, i) => PredictorTableTests.Dataset($"d{i}", h, 100, 1, 1, 0.4))]);

        var verdicts = StudyVerdict.Judge(table);

        Assert.Equal(StudyVerdict.Contradicted, verdicts[0].Verdict);
        Assert.Equal(StudyVerdict.Contradicted, verdicts[1].Verdict);
        Assert.Equal(StudyVerdict.NotIdentified, verdicts[2].Verdict);
    }

    [Fact]
    public void The_iso_vocabulary_rows_give_a_fourth_claim_judged_by_the_exponent_rule()
    {
        double[] hs = [0.2, 0.35, 0.5];
        var varying = PredictorTable.Build([.. hs.Select((h, i) => PredictorTableTests.Dataset($"d{i}", h, 300, 1, 1, 0.2 + (0.5 * h)))]);
        var flat = PredictorTable.Build([.. hs.Select((h, i) => PredictorTableTests.Dataset($"d{i}", h, 300, 1, 1, 0.4))]);

        var verdicts = StudyVerdict.Judge(varying, flat);

        Assert.Equal(4, verdicts.Count);
        Assert.Equal(StudyVerdict.Supported, verdicts[0].Verdict);
        Assert.StartsWith("At fixed vocabulary", verdicts[3].Claim, StringComparison.Ordinal);
        Assert.Equal(StudyVerdict.Contradicted, verdicts[3].Verdict);
        Assert.Equal(3, StudyVerdict.Judge(varying).Count);
    }
}
