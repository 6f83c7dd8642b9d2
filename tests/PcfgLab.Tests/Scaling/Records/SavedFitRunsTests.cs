using System.Globalization;
using System.Text.Json.Nodes;
using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class SavedFitRunsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-savedruns-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(string Runs, JsonObject Saved)> Fit(RunColumnMap map, int dropWorst)
    {
        var rows = new System.Text.StringBuilder("size,tok,lossy\n");
        foreach (var n in new[] { 1e6, 3e6, 1e7, 3e7 })
        {
            foreach (var d in new[] { 1e7, 3e7, 1e8 })
            {
                rows.Append(CultureInfo.InvariantCulture, $"{n},{d},{1.7 + (400 / Math.Pow(n, 0.34)) + (410 / Math.Pow(d, 0.28))}\n");
            }
        }

        var path = Path.Combine(_dir.FullName, "runs.csv");
        File.WriteAllText(path, rows.ToString());
        var runs = await RunRecordReader.ReadAsync(path, map);
        var document = ScalingFitPipeline.Run(runs, new FitRequest { BootstrapResamples = 0, DropWorst = dropWorst, Inputs = [path], Columns = map });
        return (path, document.ToJson());
    }

    [Fact]
    public async Task The_runs_are_read_back_with_the_typed_column_map_and_drop_worst()
    {
        var (_, saved) = await Fit(new RunColumnMap { Parameters = "size", Tokens = "tok", Loss = "lossy" }, 3);
        var path = Path.Combine(_dir.FullName, "fit.json");
        File.WriteAllText(path, saved.ToJsonString());

        var runs = await SavedFitRuns.LoadAsync(path, null);

        Assert.Equal(9, runs.Count);
    }

    /// <summary>A fit saved before the column map was recorded keeps its flags in the options block; it still reads.</summary>
    [Fact]
    public async Task A_fit_saved_with_flag_strings_only_still_reads_its_runs()
    {
        var (_, saved) = await Fit(new RunColumnMap { Parameters = "size", Tokens = "tok", Loss = "lossy" }, 2);
        saved.Remove("columns");
        saved.Remove("dropWorst");
        saved["options"] = new JsonObject { ["--n"] = "size", ["--tokens"] = "tok", ["--loss"] = "lossy", ["--drop-worst"] = "2", ["--json"] = "true" };
        var path = Path.Combine(_dir.FullName, "old.json");
        File.WriteAllText(path, saved.ToJsonString());

        var runs = await SavedFitRuns.LoadAsync(path, null);

        Assert.Null(ScalingFitDocument.Load(path).Columns);
        Assert.Equal(10, runs.Count);
    }
}
