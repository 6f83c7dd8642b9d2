using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli;

/// <summary>
/// Runs the README's examples at small sizes once (six study datasets of 50k tokens, a 72-cell synthetic sweep) and
/// keeps every output the golden tests compare.
/// </summary>
public sealed class GoldenRun : IAsyncLifetime
{
    internal const int Threads = 1;


    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-golden-");

    /// <summary>The outputs by golden-file name, already normalised.</summary>
    internal Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    internal string Root => _root.FullName;

    internal string P(params string[] parts) => Path.Combine([Root, .. parts]);

    public async Task InitializeAsync()
    {
        string[] presets = ["gzipscale-0.11", "gzipscale-0.22", "gzipscale-0.35", "gzipscale-0.42", "gzipscale-0.51", "gzipscale-0.61"];
        var shards = new StringBuilder();
        foreach (var preset in presets)
        {
            await CliRunner.RunOk("generate", "--preset", preset, "--seed", "1", "--tokens", "50k", "--threads", Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", P("data", preset));
            // The grammar file's header names the tool version (with its commit), so its SHA-256, which dataset.json
            // and the Parquet footer record, changes with every commit: it is masked like the version.
            var grammarSha = System.Text.Json.JsonDocument.Parse(File.ReadAllText(P("data", preset, "dataset.json"))).RootElement.GetProperty("grammarSha256").GetString()!;
            foreach (var file in Directory.GetFiles(P("data", preset)).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                // Every file is an output: a lock file left behind would show here (and fail the comparison).
                if (name == "README.md" && preset == "gzipscale-0.35")
                {
                    Outputs["generate-gzipscale-0.35.README.md"] = Golden.Normalise(File.ReadAllText(file), this).Replace(grammarSha, "<grammar-sha256>", StringComparison.Ordinal);
                }

                if (name == "dataset.json")
                {
                    Outputs[$"generate-{preset}.dataset.json"] = Golden.Normalise(File.ReadAllText(file), this).Replace(grammarSha, "<grammar-sha256>", StringComparison.Ordinal);
                }
                else
                {
                    shards.Append(preset).Append('/').Append(name).Append(' ').Append(Golden.MaskedSha256(File.ReadAllBytes(file), grammarSha)).Append('\n');
                }
            }
        }

        Outputs["generate-files.sha256.txt"] = shards.ToString();

        var g35 = P("data", "gzipscale-0.35");
        Outputs["gzip-0.35.json"] = Golden.Normalise(await CliRunner.RunOk("gzip", g35, "--json"), this);
        Outputs["gzip-0.35.txt"] = Golden.Normalise(Golden.Columns(await CliRunner.RunOk("gzip", g35), "kind", "skipped"), this);

        if (SharedFiles.Directory is not null)
        {
            string[] epoch = [SharedFiles.PathOf("validation", "chinchilla_epoch_svg_extracted_data.csv"), "--n", "Model Size", "--flops", "Training FLOP", "--loss", "loss", "--drop-worst", "5", "--bootstrap", "0"];
            Outputs["fit-epoch.txt"] = Golden.Normalise(await CliRunner.RunOk(["fit", .. epoch]), this);
            Outputs["fit-epoch.json"] = Golden.Normalise(await CliRunner.RunOk(["fit", .. epoch, "--json"]), this);
        }

        var plan = P("plan.jsonl");
        var results = P("results.jsonl");
        await CliRunner.RunOk("sweep", "plan", "--data-root", P("data"), "--shapes", "3", "--tokens", "5k,10k,20k,40k", "--out", plan);
        await CliRunner.RunOk("sweep", "synthetic-train", "--plan", plan, "--results", results);

        string[] fit = ["fit", results, "--by", "dataset", "--bootstrap", "10", "--seed", "1", "--threads", "2"];
        // The tables and the saved fit from one fit (--out writes the file, stdout keeps the tables), the JSON from another.
        Outputs["fit-sweep.txt"] = Golden.Normalise(await CliRunner.RunOk([.. fit, "--out", P("fits.json")]), this);
        Outputs["fit-sweep.json"] = Golden.Normalise(await CliRunner.RunOk([.. fit, "--json"]), this);
        Outputs["fit-sweep.saved.json"] = Golden.Normalise(File.ReadAllText(P("fits.json")), this);

        Outputs["regress-sweep.txt"] = Golden.Normalise(await CliRunner.RunOk("regress", P("fits.json")), this);
        Outputs["regress-sweep.json"] = Golden.Normalise(await CliRunner.RunOk("regress", P("fits.json"), "--json", "--at-flops", "1e18"), this);
        await CliRunner.RunOk("regress", P("fits.json"), "--out", P("regression.json"));
        Outputs["regress-sweep.saved.json"] = Golden.Normalise(File.ReadAllText(P("regression.json")), this);
        Outputs["predict-sweep.txt"] = Golden.Normalise(await CliRunner.RunOk("predict", P("regression.json"), "--n", "1e7", "--d", "1e6", "--h", "0.4", "--flops", "1e15"), this);
        Outputs["predict-fit.json"] = Golden.Normalise(await CliRunner.RunOk("predict", P("fits.json"), "--dataset", "gzipscale-0.35", "--n", "1e7", "--d", "1e6", "--flops", "1e15", "--json"), this);

        string[] report = ["sweep", "report", "--plan", plan, "--results", results, "--out", P("report"), "--seed", "1", "--bootstrap", "10", "--fit-grid", "coarse"];
        Outputs["sweep-report.stdout.txt"] = Golden.Normalise(await CliRunner.RunOk(report), this);
        Outputs["sweep-report.md"] = Golden.Normalise(File.ReadAllText(P("report", "report.md")), this);
        Outputs["sweep-report.json"] = Golden.Normalise(await CliRunner.RunOk([.. report, "--json"]), this);
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Normalisation and comparison of golden files (tests/PcfgLab.Tests/Golden).</summary>
internal static partial class Golden
{
    /// <summary>
    /// JSON properties whose values change from run to run or machine to machine: the tool version (which carries the
    /// commit), dates, timings and speeds. Their values are replaced by <c>"&lt;volatile&gt;"</c>; everything else is
    /// compared byte for byte.
    /// </summary>
    internal static readonly string[] VolatileJsonProperties =
        ["version", "toolVersion", "createdAt", "generationSeconds", "tokensPerSecond", "seconds", "megabytesPerSecond"];

    /// <summary>The folder of the expected files in the source tree.</summary>
    internal static string Folder => Path.Combine(SharedFiles.RepositoryRoot, "tests", "PcfgLab.Tests", "Golden");

    /// <summary>
    /// Masks what may differ between two runs of the same code: the temporary folder and ../shared (paths), the tool
    /// version with its commit (and the grammar SHA-256 that follows from it), volatile JSON values, the report's "Written:" date. Nothing else is touched.
    /// </summary>
    internal static string Normalise(string text, GoldenRun run)
    {
        text = text.Replace(run.Root, "<root>", StringComparison.Ordinal);
        if (SharedFiles.Directory is { } shared)
        {
            text = text.Replace(shared, "<shared>", StringComparison.Ordinal);
        }

        text = text.Replace(ToolInfo.Version, "<version>", StringComparison.Ordinal);
        text = VolatileLine().Replace(text, m => Array.IndexOf(VolatileJsonProperties, m.Groups[2].Value) >= 0
            ? $"{m.Groups[1].Value}\"<volatile>\"{m.Groups[4].Value}"
            : m.Value);
        return WrittenLine().Replace(text, "- Written: <date>");
    }

    /// <summary>
    /// Keeps the columns from the header's <paramref name="first"/> to the end of its <paramref name="last"/>: the first
    /// column is a path, whose length sets its width, and the columns after <paramref name="last"/> are speeds.
    /// </summary>
    internal static string Columns(string table, string first, string last)
    {
        var lines = table.Split('\n');
        var start = lines[0].IndexOf(first, StringComparison.Ordinal);
        var end = lines[0].IndexOf(last, StringComparison.Ordinal) + last.Length;
        Assert.True(start > 0 && end > start, $"no columns '{first}' ... '{last}' in: {lines[0]}");
        return string.Join('\n', lines.Select(l => l.Length > start ? l[start..Math.Min(end, l.Length)] : string.Empty));
    }

    /// <summary>
    /// SHA-256 of a file's bytes with the tool version (same length: it includes the commit) and the
    /// <paramref name="alsoMasked"/> strings blanked out.
    /// </summary>
    internal static string MaskedSha256(byte[] bytes, params string[] alsoMasked)
    {
        // The Parquet footer's JSON escapes the version's '+' as \u002B.
        foreach (var text in (string[])[ToolInfo.Version, ToolInfo.Version.Replace("+", "\\u002B", StringComparison.Ordinal), .. alsoMasked])
        {
            var masked = Encoding.UTF8.GetBytes(text);
            var span = bytes.AsSpan();
            for (var i = span.IndexOf(masked); i >= 0; i = span.IndexOf(masked))
            {
                span.Slice(i, masked.Length).Fill((byte)'#');
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with the golden file byte for byte. With PCFGLAB_UPDATE_GOLDEN=1 it rewrites the
    /// file instead (and still fails, so that an update is never silent).
    /// </summary>
    internal static void Check(string name, string actual)
    {
        var path = Path.Combine(Folder, name);
        if (Environment.GetEnvironmentVariable("PCFGLAB_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Fail($"rewrote {path}; unset PCFGLAB_UPDATE_GOLDEN and run again");
        }

        Assert.True(File.Exists(path), $"no golden file {path}: run once with PCFGLAB_UPDATE_GOLDEN=1 and review the diff");
        var expected = File.ReadAllText(path);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            var line = 0;
            while (line < Math.Min(e.Length, a.Length) && e[line] == a[line])
            {
                line++;
            }

            Assert.Fail($"{name} differs from the golden file at line {line + 1}:\n  expected: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}");
        }
    }

    [GeneratedRegex("""^(\s*"([A-Za-z0-9_]+)": )(.*?)(,?)$""", RegexOptions.Multiline)]
    private static partial Regex VolatileLine();

    [GeneratedRegex(@"^- Written: .* UTC$", RegexOptions.Multiline)]
    private static partial Regex WrittenLine();
}

/// <summary>
/// Golden-file tests: the outputs of <c>generate</c>, <c>gzip</c>, <c>fit</c>, <c>regress</c>, <c>predict</c> and
/// <c>sweep report</c> on small versions of the README's examples must stay byte-identical to
/// tests/PcfgLab.Tests/Golden. Left out of the comparison, explicitly: the tool version and commit, dates, timings and
/// speeds (<see cref="Golden.VolatileJsonProperties"/>, the report's "Written:" line, the speed columns of the gzip
/// table) and the temporary and shared folders' paths. Shard and grammar files are compared by SHA-256 with the
/// version string and the grammar file's SHA-256 (its header names the version) blanked. Fits are bit-identical for any thread count on one machine; the Chinchilla objective's SIMD
/// width (AVX-512 or AVX2) can change last digits between machines, so these files were recorded on the AVX-512
/// development VM.
/// </summary>
public sealed class GoldenOutputTests(GoldenRun run) : IClassFixture<GoldenRun>
{
    public static TheoryData<string> Names() => new(
        "generate-gzipscale-0.11.dataset.json", "generate-gzipscale-0.22.dataset.json", "generate-gzipscale-0.35.dataset.json",
        "generate-gzipscale-0.42.dataset.json", "generate-gzipscale-0.51.dataset.json", "generate-gzipscale-0.61.dataset.json",
        "generate-files.sha256.txt", "generate-gzipscale-0.35.README.md", "gzip-0.35.json", "gzip-0.35.txt",
        "fit-sweep.txt", "fit-sweep.json", "fit-sweep.saved.json",
        "regress-sweep.txt", "regress-sweep.json", "regress-sweep.saved.json", "predict-sweep.txt", "predict-fit.json",
        "sweep-report.stdout.txt", "sweep-report.md", "sweep-report.json");

    [Theory]
    [MemberData(nameof(Names))]
    public void Output_is_byte_identical_to_the_golden_file(string name) => Golden.Check(name, run.Outputs[name]);

    [SharedTheory]
    [InlineData("fit-epoch.txt")]
    [InlineData("fit-epoch.json")]
    public void Epoch_chinchilla_fit_is_byte_identical_to_the_golden_file(string name) => Golden.Check(name, run.Outputs[name]);

    [Fact]
    public void Normalise_masks_only_volatile_values()
    {
        var text = "{\n  \"seconds\": 0.25,\n  \"median\": 0.377,\n  \"version\": \"x\"\n}\n- Written: 2026-01-02 03:04 UTC\n" + run.Root + "/a";
        Assert.Equal("{\n  \"seconds\": \"<volatile>\",\n  \"median\": 0.377,\n  \"version\": \"<volatile>\"\n}\n- Written: <date>\n<root>/a", Golden.Normalise(text, run));
    }

    [Fact]
    public void MaskedSha256_changes_with_any_byte_but_the_version()
    {
        var a = Encoding.UTF8.GetBytes("head " + ToolInfo.Version + " tail");
        var b = Encoding.UTF8.GetBytes("head " + new string('9', ToolInfo.Version.Length) + " tail");
        var c = Encoding.UTF8.GetBytes("head " + ToolInfo.Version + " tall");
        var escaped = Encoding.UTF8.GetBytes("head " + ToolInfo.Version.Replace("+", "\\u002B", StringComparison.Ordinal) + " tail");
        Assert.Equal(Golden.MaskedSha256(escaped), Golden.MaskedSha256(Encoding.UTF8.GetBytes("head " + new string('#', ToolInfo.Version.Length + 5) + " tail")));
        Assert.NotEqual(Golden.MaskedSha256(a), Golden.MaskedSha256(c));
        Assert.NotEqual(Golden.MaskedSha256(a), Golden.MaskedSha256(b));
        Assert.Equal(Golden.MaskedSha256(a), Golden.MaskedSha256(Encoding.UTF8.GetBytes("head " + new string('#', ToolInfo.Version.Length) + " tail")));
    }
}
