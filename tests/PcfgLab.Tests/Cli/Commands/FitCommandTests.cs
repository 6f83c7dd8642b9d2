using System.Text.Json.Nodes;
using PcfgLab.Tests.TestSupport;

using static PcfgLab.Tests.TestSupport.CliRunner;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class FitCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-fitcmd-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Duplicate_rows_are_warned_about_and_drop_duplicates_leaves_them_out()
    {
        var rows = new System.Text.StringBuilder("N,D,loss\n");
        foreach (var n in new[] { 1e6, 3e6, 1e7 })
        {
            foreach (var d in new[] { 1e7, 3e7, 1e8 })
            {
                rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"{n},{d},{1.7 + (400 / Math.Pow(n, 0.34)) + (410 / Math.Pow(d, 0.28))}\n");
            }
        }

        var text = rows.ToString();
        var path = Write("dups.csv", text + string.Join('\n', text.Split('\n').Skip(1).Take(3)) + "\n");

        var (code, stdout, stderr) = await Run("fit", path, "--bootstrap", "0", "--json");
        var (dropCode, dropOut, dropErr) = await Run("fit", path, "--bootstrap", "0", "--json", "--drop-duplicates");
        var (plainCode, plainOut, _) = await Run("fit", Write("plain.csv", text), "--bootstrap", "0", "--json");

        Assert.True(code == 0 && dropCode == 0 && plainCode == 0, stderr + dropErr);
        Assert.Contains("3 of 12 rows are exact duplicates of an earlier row (data rows 10, 11, 12)", stderr, StringComparison.Ordinal);
        Assert.Contains("dropped 3 exact duplicate row(s) of 12", dropErr, StringComparison.Ordinal);
        Assert.Equal(9, System.Text.Json.JsonDocument.Parse(dropOut).RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(12, System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(System.Text.Json.JsonDocument.Parse(plainOut).RootElement.GetProperty("E").GetDouble(), System.Text.Json.JsonDocument.Parse(dropOut).RootElement.GetProperty("E").GetDouble());
    }

    [SharedFact]
    public async Task Scripted_epoch_call_prints_one_json_document_with_the_fitted_law()
    {
        var path = SharedFiles.PathOf("validation", "chinchilla_epoch_svg_extracted_data.csv");
        var outPath = Path.Combine(_dir.FullName, "epoch.json");
        var (code, stdout, stderr) = await Run("fit", path, "--n", "Model Size", "--flops", "Training FLOP", "--loss", "loss", "--drop-worst", "5", "--json", "--bootstrap", "0", "--out", outPath);
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(1.817, Math.Round(json["E"]!.GetValue<double>(), 3));
        Assert.Equal(478, Math.Round(json["A"]!.GetValue<double>()));
        Assert.Equal(2143, Math.Round(json["B"]!.GetValue<double>()));
        Assert.Equal(0.3473, Math.Round(json["alpha"]!.GetValue<double>(), 4));
        Assert.Equal(0.3672, Math.Round(json["beta"]!.GetValue<double>(), 4));
        Assert.Equal(1.0183e-3, Math.Round(json["objective"]!.GetValue<double>(), 7));
        Assert.Equal(240, json["runs"]!.GetValue<int>());

        var saved = JsonNode.Parse(File.ReadAllText(outPath))!;
        Assert.Equal("scaling-fit", saved["kind"]!.GetValue<string>());
        Assert.Equal("5", saved["options"]!["--drop-worst"]!.GetValue<string>());

        var (predictCode, prediction, _) = await Run("predict", outPath, "--flops", "5.76e23", "--n", "70e9", "--d", "1.4e12", "--json");
        Assert.Equal(0, predictCode);
        var p = JsonNode.Parse(prediction)!;
        var e = json["E"]!.GetValue<double>();
        var expected = e + (json["A"]!.GetValue<double>() / Math.Pow(70e9, json["alpha"]!.GetValue<double>())) + (json["B"]!.GetValue<double>() / Math.Pow(1.4e12, json["beta"]!.GetValue<double>()));
        Assert.Equal(expected, p["loss"]!.GetValue<double>(), 12);
        Assert.Equal(5.76e23, 6 * p["N_opt"]!.GetValue<double>() * p["D_opt"]!.GetValue<double>(), 5.76e23 * 1e-9);
    }

    [SharedFact]
    public async Task Gadre_runs_fit_per_dataset_with_by()
    {
        // Gadre et al. 2024: 104 models on three training sets; per-dataset fits on the C4 validation loss.
        var path = SharedFiles.PathOf("validation", "gadre2024_mlfoundations_scaling_104models.csv");
        var (code, stdout, stderr) = await Run("fit", path, "--by", "dataset", "--n", "params", "--tokens", "tokens", "--loss", "loss:eval_data/c4_val", "--bootstrap", "0", "--json");
        Assert.True(code == 0, stderr);
        var json = (JsonObject)JsonNode.Parse(stdout)!;
        Assert.Equal(["c4_original", "rpj", "rw_original"], json.Select(kv => kv.Key));
        foreach (var (name, fit) in json)
        {
            // Sane: converged, irreducible loss between 1 and 2.5 nats (C4 validation losses here run 2.7 to 5.5),
            // exponents in (0.1, 0.6), and a fit within 2% on average.
            Assert.True(fit!["converged"]!.GetValue<bool>(), name);
            Assert.InRange(fit["E"]!.GetValue<double>(), 1.0, 2.5);
            Assert.InRange(fit["alpha"]!.GetValue<double>(), 0.1, 0.6);
            Assert.InRange(fit["beta"]!.GetValue<double>(), 0.1, 0.6);
            Assert.True(fit["mean_relative_error"]!.GetValue<double>() < 0.02, name);
        }

        Assert.Contains("fitting dataset 'rpj': 35 runs", stderr, StringComparison.Ordinal);
    }

    [SharedFact]
    public async Task Marin_ladder_fits_converge_on_each_dataset()
    {
        // Marin's ladder: the same models on three datasets; skip the validation-optimal rows (another convention).
        foreach (var name in new[] { "comma", "dclm", "nemotron" })
        {
            var lines = File.ReadAllLines(SharedFiles.PathOf("validation", $"marin_isoflop_{name}.csv"));
            var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => !l.Contains("validation-optimal", StringComparison.Ordinal))).ToArray();
            var path = Write($"marin_{name}.csv", string.Join("\n", kept));
            var (code, stdout, stderr) = await Run("fit", path, "--n", "parameter_count", "--tokens", "throughput/total_tokens", "--loss", "eval/paloma/macro_loss", "--bootstrap", "0", "--json");
            Assert.True(code == 0, stderr);
            var fit = JsonNode.Parse(stdout)!;
            Assert.True(fit["converged"]!.GetValue<bool>(), name);
            Assert.InRange(fit["E"]!.GetValue<double>(), 0.5, 3.0);
            Assert.InRange(fit["alpha"]!.GetValue<double>(), 0.05, 1.5);
            Assert.InRange(fit["beta"]!.GetValue<double>(), 0.05, 1.5);
            Assert.True(fit["mean_relative_error"]!.GetValue<double>() < 0.02, $"{name}: {fit["mean_relative_error"]}");
        }
    }

    [Fact]
    public async Task Human_output_has_the_fit_frontier_bootstrap_and_holdout_tables()
    {
        var lines = new List<string> { "dataset,N,D,loss,H" };
        foreach (var run in PcfgLab.Tests.Scaling.SyntheticRuns.Grid(PcfgLab.Tests.Scaling.SyntheticRuns.TrueLaw.Loss, 0.01, 5, sizes: 6, tokenCounts: 6))
        {
            lines.Add(FormattableString.Invariant($"d,{run.Parameters:R},{run.Tokens:R},{run.Loss:R},0.4"));
        }

        var path = Write("runs.csv", string.Join("\n", lines));
        var (code, stdout, stderr) = await Run("fit", path, "--bootstrap", "5", "--holdout-above-n", "1e9", "--seed", "4");
        Assert.True(code == 0, stderr);
        Assert.Contains("Chinchilla fit", stdout, StringComparison.Ordinal);
        Assert.Contains("Compute-optimal frontier", stdout, StringComparison.Ordinal);
        Assert.Contains("Bootstrap all: 5 resamples of the runs (seed 4)", stdout, StringComparison.Ordinal);
        Assert.Contains("Held out all: fitted on 24 runs with N <= 1E+09", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_and_rosenfeld_forms_run_from_the_command_line()
    {
        var lines = new List<string> { "N,D,loss" };
        foreach (var run in PcfgLab.Tests.Scaling.SyntheticRuns.Grid(PcfgLab.Tests.Scaling.SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 4, tokenCounts: 4))
        {
            lines.Add(FormattableString.Invariant($"{run.Parameters:R},{run.Tokens:R},{run.Loss:R}"));
        }

        var path = Write("runs.csv", string.Join("\n", lines));
        var (code, stdout, _) = await Run("fit", path, "--form", "data", "--json");
        Assert.Equal(0, code);
        Assert.Equal("D", JsonNode.Parse(stdout)!["variable"]!.GetValue<string>());
        var (noEps, _, err) = await Run("fit", path, "--form", "rosenfeld");
        Assert.Equal(2, noEps);
        Assert.Equal("error: --form rosenfeld needs --eps0, the random-guess loss (for language models ln of the vocabulary size)", LastLine(err));
    }

    /// <summary>
    /// Issue 23: a saved fit keeps how its runs were read as typed fields (the column map, drop-worst), and every
    /// option with its effective value, never "true" for one not given; the runs are read back from those fields.
    /// </summary>
    [Fact]
    public async Task Saved_fit_records_the_column_map_drop_worst_and_effective_options_and_reads_the_runs_back()
    {
        var rows = new System.Text.StringBuilder("size,tok,lossy\n");
        foreach (var n in new[] { 1e6, 3e6, 1e7, 3e7 })
        {
            foreach (var d in new[] { 1e7, 3e7, 1e8 })
            {
                rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"{n},{d},{1.7 + (400 / Math.Pow(n, 0.34)) + (410 / Math.Pow(d, 0.28))}\n");
            }
        }

        var path = Write("runs.csv", rows.ToString());
        var outPath = Path.Combine(_dir.FullName, "fit.json");
        await RunOk("fit", path, "--n-column", "size", "--tokens-column", "tok", "--loss-column", "lossy", "--drop-worst", "2", "--bootstrap", "0", "--out", outPath);

        var saved = JsonNode.Parse(File.ReadAllText(outPath))!;
        Assert.Equal("size", saved["columns"]!["parameters"]!.GetValue<string>());
        Assert.Equal("tok", saved["columns"]!["tokens"]!.GetValue<string>());
        Assert.Equal("lossy", saved["columns"]!["loss"]!.GetValue<string>());
        Assert.Equal(2, saved["dropWorst"]!.GetValue<int>());
        Assert.Equal("chinchilla", saved["options"]!["--form"]!.GetValue<string>());
        Assert.Equal("false", saved["options"]!["--tie-exponents"]!.GetValue<string>());
        Assert.Equal("false", saved["options"]!["--drop-duplicates"]!.GetValue<string>());
        var document = PcfgLab.Scaling.ScalingFitDocument.Load(outPath);
        Assert.Equal("lossy", document.Columns!.Loss);
        Assert.Equal(2, document.DropWorst);
        var runs = await PcfgLab.Scaling.SavedFitRuns.LoadAsync(outPath, null);
        Assert.Equal(10, runs.Count);
    }

    [Fact]
    public async Task Too_few_runs_exit_2_with_one_line()
    {
        var path = Write("few.csv", "N,D,loss\n1e8,1e9,3\n2e8,1e9,2.9\n1e8,2e9,2.8\n");
        var (code, _, err) = await Run("fit", path);
        Assert.Equal(2, code);
        Assert.Equal("error: the input has 3 usable runs; a Chinchilla fit needs more than 5 (one per parameter plus one)", LastLine(err));
    }

    [Fact]
    public async Task Runs_at_one_n_exit_2()
    {
        var path = Write("onen.csv", "N,D,loss\n" + string.Join("\n", Enumerable.Range(1, 8).Select(i => FormattableString.Invariant($"1e8,{i}e9,{3 - (0.1 * i)}"))));
        var (code, _, err) = await Run("fit", path);
        Assert.Equal(2, code);
        Assert.StartsWith("error: the input: every run has the same parameter count N = 1E+08", LastLine(err), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nan_and_negative_losses_are_reported_then_too_few_is_an_error()
    {
        var path = Write("nan.csv", "N,D,loss\n1e8,1e9,NaN\n2e8,1e9,-1\n1e8,2e9,2.8\n3e8,2e9,2.7\n4e8,2e9,2.6\n5e8,3e9,2.5\n6e8,3e9,2.4\n");
        var (code, _, err) = await Run("fit", path);
        Assert.Equal(2, code);
        var lines = err.Trim().Split('\n');
        Assert.Contains("skipped 2 of 7 rows with a missing, non-finite or non-positive value in loss (data rows 1, 2)", lines[0], StringComparison.Ordinal);
        Assert.Equal("error: the input has 5 usable runs; a Chinchilla fit needs more than 5 (one per parameter plus one)", lines[^1]);
    }

    [Fact]
    public async Task Missing_column_exits_2_naming_it()
    {
        var path = Write("cols.csv", "size,tokens,loss\n1,2,3\n");
        var (code, _, err) = await Run("fit", path, "--n", "Model Size");
        Assert.Equal(2, code);
        Assert.Equal($"error: '{path}' has no column 'Model Size' for parameter count N (available: size, tokens, loss)", err.Trim());
    }
}
