using System.Text.Json.Nodes;
using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Analysis;

public sealed class FitsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-fits-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (string Forward, string Reversed) CpuGrid()
    {
        var rows = File.ReadAllLines(Path.Combine(SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl"));
        var forward = Path.Combine(_dir.FullName, "forward.jsonl");
        var reversed = Path.Combine(_dir.FullName, "reversed.jsonl");
        File.WriteAllLines(forward, rows);
        File.WriteAllLines(reversed, rows.Reverse());
        return (forward, reversed);
    }

    [Fact]
    public async Task Tied_exponent_fits_of_the_same_runs_in_reversed_row_order_are_identical()
    {
        var (forward, reversed) = CpuGrid();
        var fit = new FitRequest { ByDataset = true, BootstrapResamples = 0, Constraints = new ChinchillaConstraints { TieExponents = true } };

        var a = await Fits.FitAsync(new FitsRequest { Input = forward, Columns = new RunColumnMap { Dataset = "dataset" }, Fit = fit });
        var b = await Fits.FitAsync(new FitsRequest { Input = reversed, Columns = new RunColumnMap { Dataset = "dataset" }, Fit = fit });

        Assert.Equal(6, a.Fit!.Fits.Count);
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        Assert.All(a.Fit.Fits, f => Assert.Equal(f.Chinchilla!.Parameters.Alpha, f.Chinchilla.Parameters.Beta));
        Assert.Equal("dataset", a.Fit.Columns!.Dataset);
    }

    [Fact]
    public async Task Fix_e_at_floor_without_a_datasets_folder_is_an_error_naming_the_parameters()
    {
        var (forward, _) = CpuGrid();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Fits.FitAsync(new FitsRequest { Input = forward, FixEAtFloor = true }));

        Assert.Equal("FixedE floor needs DatasetsFolder DIR, the folder holding each dataset's folder with its dataset.json", error.Message);
    }

    [Fact]
    public async Task Extrapolation_by_dataset_is_one_document_keyed_by_dataset_in_ordinal_order()
    {
        var (forward, _) = CpuGrid();

        // The document's shape is checked, not the folds' laws: one start per fold instead of the check's 243.
        var oneStart = new FitOptions { AlphaGrid = [0.5], BetaGrid = [0.5], LogEGrid = [0], LogAGrid = [6], LogBGrid = [6] };
        var report = await Fits.ExtrapolateAsync(new ExtrapolationRequest { Input = forward, Columns = new RunColumnMap { Dataset = "dataset" }, ByDataset = true, Options = new ExtrapolationOptions { Fit = oneStart } });

        var json = JsonNode.Parse(report.ToJsonString())!.AsObject();
        Assert.Equal(["gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61"], json.Select(kv => kv.Key));
        Assert.Equal("leave-one-budget-out", json["gzipscale-0.11"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Predict_without_n_d_or_flops_names_the_missing_parameters()
    {
        var error = await Assert.ThrowsAsync<UserInputException>(() => Fits.PredictAsync(new PredictionRequest { Law = "unused.json" }));

        Assert.Equal("nothing to predict: give Parameters and Tokens, or Flops", error.Message);
    }

    [Fact]
    public async Task A_saved_fit_predicts_its_own_law_and_regress_needs_chinchilla_fits()
    {
        var (forward, _) = CpuGrid();
        var result = await Fits.FitAsync(new FitsRequest { Input = forward, Columns = new RunColumnMap { Dataset = "dataset" }, Fit = new FitRequest { ByDataset = true, BootstrapResamples = 0, Form = ScalingForm.Data } });
        var path = Path.Combine(_dir.FullName, "fit.json");
        result.Save(path);

        var prediction = await Fits.PredictAsync(new PredictionRequest { Law = path, Dataset = "gzipscale-0.35", Parameters = 1e5, Tokens = 1e6 });
        var error = Assert.Throws<UserInputException>(() => Fits.Regress(new RegressionRequest { Fit = path }));

        Assert.Equal(result.Fit!.Fits.Single(f => f.Dataset == "gzipscale-0.35").Loss(1e5, 1e6), prediction.Loss);
        Assert.Null(prediction.Allocation);
        Assert.StartsWith($"'{path}' holds a 'data' fit", error.Message, StringComparison.Ordinal);
    }
}
