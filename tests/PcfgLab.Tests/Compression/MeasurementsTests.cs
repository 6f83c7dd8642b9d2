using System.Text;
using System.Text.Json;
using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public sealed class MeasurementsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-measurements-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private sealed class Sum : IProgress<double>
    {
        public double Total { get; private set; }

        public void Report(double value) => Total += value;
    }

    [Fact]
    public async Task Sources_are_sorted_by_median_reported_as_fractions_of_all_bytes_and_written_as_one_document()
    {
        // Repetitive text compresses better (lower ratio) than varied text, so it sorts first whatever the order given.
        var varied = Write("varied.txt", string.Concat(Enumerable.Range(0, 3000).Select(i => ((i * 7919) % 10007).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ")));
        var repetitive = Write("repetitive.txt", string.Concat(Enumerable.Repeat("abc abc abc ", 1000)));
        var options = new CorpusMeasurementOptions { Bytes = true, WindowLength = 256, SampleSize = 20, Seed = 1, BootstrapResamples = 50 };
        var progress = new Sum();

        var measured = await Measurements.GzipAsync(new GzipRequest { Sources = [varied, repetitive], Options = options, Command = "gzip x y" }, progress: progress);

        Assert.Equal([repetitive, varied], measured.Sources.Select(s => s.Source));
        Assert.Equal(1.0, progress.Total, 9);
        using var json = JsonDocument.Parse(measured.ToJson());
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("sources").GetArrayLength());
        Assert.False(root.TryGetProperty("median", out _)); // headline numbers only with one source
        Assert.Equal("gzip x y", root.GetProperty("parameters").GetProperty("command").GetString());
        Assert.Equal("20", root.GetProperty("parameters").GetProperty("docs").GetString());
        Assert.Contains($"\"version\": \"{ToolInfo.Version}\"", measured.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10, "--docs must be positive, got 0.")]
    [InlineData(10, 0, "--bootstrap must be positive, got 0.")]
    public async Task Bad_counts_are_user_errors_before_any_source_is_opened(int documents, int resamples, string expected)
    {
        var request = new GzipRequest { Sources = [Path.Combine(_dir.FullName, "missing")], Options = new CorpusMeasurementOptions { SampleSize = documents, BootstrapResamples = resamples } };
        var error = await Assert.ThrowsAsync<UserInputException>(() => Measurements.GzipAsync(request));
        Assert.Equal(expected, error.Message);
    }
}
