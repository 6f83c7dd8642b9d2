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
        Assert.Equal(["report", "records", "syntheticRecords", "datasets", "trends", "figures", "toolVersion"], root.EnumerateObject().Select(p => p.Name));
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
    public void Missing_cells_appear_only_with_a_plan()
    {
        var summary = new ReportSummary("r.md", [], StudyReports.Empty() with { MissingCells = [] });

        using var document = JsonDocument.Parse(ReportJson.Render(summary));

        Assert.Equal(0, document.RootElement.GetProperty("missingCells").GetInt32());
        using var planless = JsonDocument.Parse(ReportJson.Render(summary with { Report = StudyReports.Empty() }));
        Assert.False(planless.RootElement.TryGetProperty("missingCells", out _));
    }
}
