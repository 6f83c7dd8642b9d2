using System.Text.Json;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class FloorCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-floor-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Floor_prints_the_table_and_json_and_matches_the_manifest()
    {
        var folder = Path.Combine(_root.FullName, "g35");
        var (code, stdout, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.35", "--tokens", "20k", "--threads", "2",
            "--floor-docs", "30", "--floor-sentences", "300", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("loss floor", stderr, StringComparison.Ordinal);
        using var manifest = JsonDocument.Parse(stdout);
        var recorded = manifest.RootElement.GetProperty("floor");

        (code, stdout, stderr) = await CliRunner.Run("floor", folder, "--docs", "30", "--sentences", "300", "--threads", "1", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var floor = json.RootElement.GetProperty("floor");
        Assert.Equal(recorded.GetProperty("nats").GetDouble(), floor.GetProperty("nats").GetDouble());
        Assert.Equal(recorded.GetProperty("entropyRateNats").GetDouble(), floor.GetProperty("entropyRateNats").GetDouble());
        Assert.Equal(30, floor.GetProperty("documents").GetInt32());
        Assert.Equal(256, json.RootElement.GetProperty("documentLength").GetInt32());
        Assert.Equal("gzipscale-0.35", json.RootElement.GetProperty("grammar").GetString());
        Assert.InRange(floor.GetProperty("nats").GetDouble(), 0.5, 2.0);

        (code, stdout, stderr) = await CliRunner.Run("floor", folder, "--docs", "30", "--sentences", "300");
        Assert.True(code == 0, stderr);
        Assert.Contains("loss floor", stdout, StringComparison.Ordinal);
        Assert.Contains("entropy rate h", stdout, StringComparison.Ordinal);
        Assert.Contains("nats/token", stdout, StringComparison.Ordinal);
        Assert.Contains("gzip median", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_measures_the_floor_of_the_given_documents_read_from_the_shards()
    {
        var folder = Path.Combine(_root.FullName, "g35d");
        var (code, stdout, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.35", "--tokens", "20k", "--threads", "2",
            "--floor-docs", "30", "--floor-sentences", "300", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        using var manifest = JsonDocument.Parse(stdout);
        var recorded = manifest.RootElement.GetProperty("floor");

        // Documents 0..29 read from the shards are the 30 documents the manifest's floor sampled again.
        (code, stdout, stderr) = await CliRunner.Run("floor", folder, "--documents", "0-9,10-29", "--threads", "2", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(30, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(recorded.GetProperty("nats").GetDouble(), json.RootElement.GetProperty("nats").GetDouble(), 12);
        Assert.Equal(recorded.GetProperty("lower95").GetDouble(), json.RootElement.GetProperty("lower95").GetDouble(), 12);

        (code, stdout, stderr) = await CliRunner.Run("floor", folder, "--documents", "70-77");
        Assert.True(code == 0, stderr);
        Assert.Contains("documents 70-77 (8 documents", stdout, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.Run("floor", folder, "--documents", "9-3");
        Assert.Equal(2, code);
        Assert.Equal("error: --documents '9-3': '9-3' is not a document index or an ascending range FIRST-LAST of at most 10000000 (for example 15000-15624 or 3,10-20).", stderr.Trim());
        (code, _, stderr) = await CliRunner.Run("floor", folder, "--documents", "78-80");
        Assert.Equal(2, code);
        Assert.Equal("error: --documents must lie in 0..78 (the dataset's documents), got 80.", stderr.Trim());
    }

    [Fact]
    public async Task A_missing_dataset_is_one_line_and_exit_code_2()
    {
        var (code, stdout, stderr) = await CliRunner.Run("floor", Path.Combine(_root.FullName, "nothing"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_documents_is_one_line_and_exit_code_2()
    {
        var folder = Path.Combine(_root.FullName, "g");
        var (code, _, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.11", "--tokens", "2k", "--floor-docs", "0", "--out", folder);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRunner.Run("floor", folder, "--docs", "0");
        Assert.Equal(2, code);
        Assert.Equal("error: --docs must be positive, got 0.", stderr.Trim());
    }

    [Fact]
    public async Task Documents_and_sentences_beyond_memory_are_one_line_and_exit_code_2()
    {
        // int.MaxValue documents was an OutOfMemoryException (exit 70).
        var folder = Path.Combine(_root.FullName, "g");
        var (code, _, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.11", "--tokens", "2k", "--floor-docs", "0", "--out", folder);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRunner.Run("floor", folder, "--docs", "2147483647");
        Assert.Equal(2, code);
        Assert.Equal("error: --docs must be at most 10000000 (each document's loss is kept in memory for the standard error, which is negligible long before that), got 2147483647.", stderr.Trim());
        (code, _, stderr) = await CliRunner.Run("floor", folder, "--sentences", "2147483647");
        Assert.Equal(2, code);
        Assert.Equal("error: --sentences must be at most 10000000 (each sentence's values are kept in memory for the standard error, which is negligible long before that), got 2147483647.", stderr.Trim());
    }
}
