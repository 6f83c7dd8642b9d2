using System.Text.Json.Nodes;
using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class ScalingFitDocumentTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-fitdoc-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Saved_fit_round_trips_and_records_provenance()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.01, 2, sizes: 5, tokenCounts: 5);
        var document = ScalingFitPipeline.Run(runs, new FitRequest { Fit = SyntheticRuns.SmallGrid, BootstrapResamples = 10, Seed = 3, Inputs = ["x.csv"], Options = new Dictionary<string, string> { ["--seed"] = "3" } });
        var path = Path.Combine(_dir.FullName, "fit.json");
        document.Save(path);
        Assert.Equal(["fit.json"], _dir.GetFiles().Select(f => f.Name));

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("pcfglab", json["tool"]!.GetValue<string>());
        Assert.Equal(ToolInfo.Version, json["version"]!.GetValue<string>());
        Assert.Equal(3UL, json["seed"]!.GetValue<ulong>());
        Assert.Equal("3", json["options"]!["--seed"]!.GetValue<string>());

        var loaded = ScalingFitDocument.Load(path);
        var fit = Assert.Single(loaded.Fits);
        Assert.Equal(document.Fits[0].Chinchilla!.Parameters, fit.Chinchilla!.Parameters);
        Assert.Equal(document.Fits[0].Chinchilla!.Objective, fit.Chinchilla.Objective);
    }

    [Fact]
    public void Stdout_form_has_top_level_parameters_or_one_object_per_dataset()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 4, tokenCounts: 4, dataset: "x")
            .Concat(SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 4, tokenCounts: 4, dataset: "y")).ToList();
        var single = ScalingFitPipeline.Run(runs, new FitRequest { Fit = SyntheticRuns.SmallGrid, BootstrapResamples = 0 }).ToOutputJson();
        foreach (var key in new[] { "E", "A", "B", "alpha", "beta", "objective" })
        {
            Assert.NotNull(single[key]);
        }

        var grouped = (JsonObject)ScalingFitPipeline.Run(runs, new FitRequest { Fit = SyntheticRuns.SmallGrid, BootstrapResamples = 0, ByDataset = true }).ToOutputJson();
        Assert.Equal(["x", "y"], grouped.Select(kv => kv.Key));
        Assert.Equal(SyntheticRuns.TrueLaw.Alpha, grouped["y"]!["alpha"]!.GetValue<double>(), 1e-4);

        // The stdout form can be read back too (what scripts pipe into predict).
        var path = Path.Combine(_dir.FullName, "stdout.json");
        File.WriteAllText(path, grouped.ToJsonString());
        Assert.Equal(["x", "y"], ScalingFitDocument.Load(path).Fits.Select(f => f.Dataset));
    }

    [Fact]
    public void Regression_document_round_trips_to_the_same_law()
    {
        var law = new DataDependentLaw(CompressibilityRegression.Fit(CompressibilityRegressionTests.ExactLinearLaws()), ChinchillaParameters.Hoffmann2022, 0.5);
        var path = Path.Combine(_dir.FullName, "reg.json");
        new RegressionDocument(ToolInfo.Version, ["fit.json"], law, (0, 1), 1e21).Save(path);
        var loaded = RegressionDocument.Load(path).Law;
        Assert.Equal(law.At(0.3), loaded.At(0.3));
        Assert.Equal(0.5, loaded.Epsilon);
        Assert.Equal(law.Loss(1e9, 1e10, 0.3), SavedLaw.Load(path, null, 0.3).Loss(1e9, 1e10));
    }
}
