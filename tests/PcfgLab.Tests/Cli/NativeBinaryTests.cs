using System.Text.Json.Nodes;
using PcfgLab.Cli;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli;

/// <summary>
/// The self-contained native binary (PcfgLab.Cli.csproj's Native AOT publish), run as a user would run it: it must do
/// what the JIT-built CLI does, byte for byte where the work is integer (datasets) and to rounding where it is
/// floating point (AVX2 in the binary against AVX-512 in the JIT where the CPU has it).
/// </summary>
[Trait("Speed", "slow")]
public sealed class NativeBinaryTests : IClassFixture<NativeBinaryTests.SmallSweep>
{
    private readonly SmallSweep sweep;

    public NativeBinaryTests(SmallSweep sweep) => this.sweep = sweep;

    [Fact]
    public void Version_PrintsTheLibrarysVersion()
    {
        var (code, stdout, stderr) = NativeBinary.Run("version");

        Assert.True(code == 0, stderr);
        Assert.Equal("pcfglab " + ToolInfo.Version, stdout.Trim());
    }

    [Fact]
    public async Task Generate_WritesTheSameDatasetAsTheJitBuild()
    {
        using var temp = new TempFolder();
        var native = Path.Combine(temp.Path, "native");
        var jit = Path.Combine(temp.Path, "jit");
        string[] Args(string o) => ["generate", "--preset", "gzipscale-0.35", "--tokens", "300k", "--seed", "3", "--threads", "2", "--out", o];

        var (code, _, stderr) = NativeBinary.Run(Args(native));
        Assert.True(code == 0, stderr);
        Assert.Equal(0, await RunInProcess(Args(jit)));

        var files = Directory.GetFiles(jit).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(files, Directory.GetFiles(native).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in files.Where(n => n != "dataset.json"))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(jit, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(native, name!))), name);
        }

        Assert.True(JsonNode.DeepEquals(StableManifest.Read(jit), StableManifest.Read(native)), "dataset.json differs beyond times and paths");
    }

    [SharedFact]
    public async Task Fit_IsBitIdenticalToTheJitBuild()
    {
        var csv = SharedFiles.PathOf("validation", "chinchilla_epoch_svg_extracted_data.csv");
        string[] args = ["fit", csv, "--n", "Model Size", "--flops", "Training FLOP", "--loss", "loss", "--drop-worst", "5", "--json", "--bootstrap", "0"];

        var (code, stdout, stderr) = NativeBinary.Run(args);
        Assert.True(code == 0, stderr);
        var jit = new StringWriter();
        Assert.Equal(0, await PcfgLabApp.RunAsync(args, jit, new StringWriter(), interactive: false));

        var a = JsonNode.Parse(stdout)!;
        var b = JsonNode.Parse(jit.ToString())!;
        // One vector width (Vector256) in the fitting kernel on every build and processor: the same bits.
        foreach (var p in new[] { "E", "A", "B", "alpha", "beta", "objective", "rmse" })
        {
            Assert.Equal(Law(b)[p]!.GetValue<double>(), Law(a)[p]!.GetValue<double>());
        }
    }

    [Fact]
    public void SweepReport_DrawsFiguresWithTheLibrariesBesideIt()
    {
        var report = Path.Combine(sweep.Folder, "report-native");
        var (code, _, stderr) = NativeBinary.Run("sweep", "report", "--plan", sweep.Plan, "--results", sweep.Results, "--out", report, "--bootstrap", "20");

        Assert.True(code == 0, stderr);
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("gzipscale-0.11", markdown, StringComparison.Ordinal);
        Assert.Contains("gzipscale-0.61", markdown, StringComparison.Ordinal);
        var pngs = Directory.GetFiles(Path.Combine(report, "figures"), "*.png");
        Assert.NotEmpty(pngs);
        Assert.All(pngs, png => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]));
    }

    [Fact]
    public void CopiedAlone_RunsEveryCommandButFiguresWhichFailInOneLine()
    {
        using var temp = new TempFolder();
        var alone = Path.Combine(temp.Path, "pcfglab");
        File.Copy(NativeBinary.Executable, alone);

        var generated = TorchPython.RunProgram(alone, ["generate", "--preset", "gzipscale-0.22", "--tokens", "50k", "--out", Path.Combine(temp.Path, "d")]);
        Assert.True(generated.Code == 0, generated.Stderr);

        var (code, _, stderr) = TorchPython.RunProgram(alone, ["sweep", "report", "--plan", sweep.Plan, "--results", sweep.Results, "--out", Path.Combine(temp.Path, "r")]);
        Assert.Equal(PcfgLabApp.Unavailable, code);
        // Progress lines come first; the failure is one line, the last.
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.EndsWith(line, stderr.TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("error: this command needs the native library 'libSkiaSharp'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static JsonNode Law(JsonNode fit) => fit["fit"] ?? fit;

    private static async Task<int> RunInProcess(string[] args) =>
        await PcfgLabApp.RunAsync(args, new StringWriter(), new StringWriter(), interactive: false);

    /// <summary>Two small datasets, a plan and synthetic records, all made by the native binary.</summary>
    public sealed class SmallSweep : IDisposable
    {
        private readonly TempFolder temp = new();

        public SmallSweep()
        {
            foreach (var preset in new[] { "gzipscale-0.11", "gzipscale-0.61" })
            {
                Check(NativeBinary.Run("generate", "--preset", preset, "--tokens", "300k", "--out", System.IO.Path.Combine(Folder, preset)));
            }

            Check(NativeBinary.Run("sweep", "plan", "--dataset", System.IO.Path.Combine(Folder, "gzipscale-0.11"), "--dataset", System.IO.Path.Combine(Folder, "gzipscale-0.61"), "--out", Plan, "--shapes", "3", "--tokens", "50k,100k,200k", "--vocabulary", "grammar"));
            Check(NativeBinary.Run("sweep", "train", "--plan", Plan, "--results", Results, "--jobs", "2",
                "--trainer", $"'{NativeBinary.Executable}' sweep synthetic-train --plan {{plan}} --cell {{cell}} --results {{results}}"));
        }

        public string Folder => temp.Path;

        public string Plan => System.IO.Path.Combine(Folder, "plan.jsonl");

        public string Results => System.IO.Path.Combine(Folder, "results.jsonl");

        public void Dispose() => temp.Dispose();

        private static void Check((int Code, string Stdout, string Stderr) run)
        {
            if (run.Code != 0)
            {
                throw new InvalidOperationException($"native pcfglab failed ({run.Code}): {run.Stderr}");
            }
        }
    }
}
