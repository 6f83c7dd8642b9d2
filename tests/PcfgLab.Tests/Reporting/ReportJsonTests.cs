using System.Text.Json;
using PcfgLab.Analysis;
using PcfgLab.Reporting;
using PcfgLab.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Reporting;

public sealed class ReportJsonTests
{
    [Fact]
    public void The_document_names_the_report_its_fits_trends_and_figures()
    {
        var records = new[] { StudyReports.Record("a", "1", 1000, 1000, 3), StudyReports.Record("b", "2", 1000, 1000, 3) };
        var fit = new LawFit(new ChinchillaParameters(1.5, 400, 300, 0.3, 0.25)) { Rmse = 0.01 };
        var report = StudyReports.Empty(records, [new DatasetResults("a", 0.25, null, null, records[..1], fit, null), new DatasetResults("b", null, null, null, records[1..], null, "too few runs")]) with
        {
            Trends = [new ParameterTrend("E", 1.0, 2.0, double.NaN, 1.0, 2)],
        };
        var summary = new ReportSummary("out/report.md", [new ReportFigure("t", "out/figures/x.png", "out/figures/x.svg")], report);

        var json = ReportJson.Render(summary);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["report", "records", "syntheticRecords", "datasets", "trends", "predictors", "verdicts", "figures", "toolVersion"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("out/report.md", root.GetProperty("report").GetString());
        Assert.Equal(2, root.GetProperty("records").GetInt32());
        Assert.Equal(ToolInfo.Version, root.GetProperty("toolVersion").GetString());
        var a = root.GetProperty("datasets")[0];
        Assert.Equal(["name", "h", "runs", "e", "a", "b", "alpha", "beta", "rmse"], a.EnumerateObject().Select(p => p.Name));
        Assert.Equal((0.25, 1.5, 0.01), (a.GetProperty("h").GetDouble(), a.GetProperty("e").GetDouble(), a.GetProperty("rmse").GetDouble()));
        var b = root.GetProperty("datasets")[1];
        Assert.Equal(["name", "runs", "fitProblem"], b.EnumerateObject().Select(p => p.Name));
        Assert.Contains("\"pValue\": \"NaN\"", json, StringComparison.Ordinal);
        Assert.Equal(["out/figures/x.png", "out/figures/x.svg"], root.GetProperty("figures").EnumerateArray().Select(f => f.GetString()));
        Assert.StartsWith("{\n  \"report\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_carries_each_datasets_identification_the_predictors_and_the_verdicts()
    {
        var records = new[] { StudyReports.Record("a", "1", 1000, 1000, 3) };
        var fit = new LawFit(new ChinchillaParameters(1.5, 400, 300, 0.3, 0.25));
        var id = new DatasetIdentification("a", 1.5, fit, [new("E", 1.5, null, null, null, FixedAtFloor: true), new("alpha", 0.3, 0.05, 2.0, "95% interval 0.05 to 2 spans a factor 40")], null);
        var dataset = new DatasetResults("a", 0.25, null, null, records, fit, null) { Identification = id };
        var predictors = PredictorTable.Build([dataset]);
        var report = StudyReports.Empty(records, [dataset]) with { Predictors = predictors, Verdicts = StudyVerdict.Judge(predictors) };

        using var document = JsonDocument.Parse(ReportJson.Render(new ReportSummary("r.md", [], report)));

        var root = document.RootElement;
        var judged = root.GetProperty("datasets")[0].GetProperty("identification");
        Assert.Equal(1.5, judged.GetProperty("fixedE").GetDouble());
        var alpha = judged.GetProperty("parameters")[1];
        Assert.False(alpha.GetProperty("identified").GetBoolean());
        Assert.Equal("95% interval 0.05 to 2 spans a factor 40", alpha.GetProperty("notIdentified").GetString());
        Assert.True(judged.GetProperty("parameters")[0].GetProperty("fixedAtFloor").GetBoolean());
        Assert.Equal(15, root.GetProperty("predictors").GetArrayLength());
        Assert.Equal(["not identified at this scale", "not identified at this scale", "not identified at this scale"], root.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("verdict").GetString()));
    }

    [Fact]
    public void Missing_cells_appear_only_with_a_plan()
    {
        var summary = new ReportSummary("r.md", [], StudyReports.Empty() with { MissingCells = [] });

        using var document = JsonDocument.Parse(ReportJson.Render(summary));

        Assert.Equal(0, document.RootElement.GetProperty("missingCells").GetInt32());
        using var planless = JsonDocument.Parse(ReportJson.Render(summary with { Report = StudyReports.Empty() }));
        Assert.False(planless.RootElement.TryGetProperty("missingCells", out _));
    }
}
