using System.Text.Json;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class DatasetCommandsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-dataset-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_split_run_merged_equals_a_whole_run()
    {
        var whole = Path.Combine(_root.FullName, "whole");
        var split = Path.Combine(_root.FullName, "split");
        string[] common = ["generate", "--preset", "gzipscale-0.35", "--tokens", "60k", "--threads", "2", "--shards", "3"];
        var (code, wholeJson, stderr) = await CliRunner.Run([.. common, "--out", whole, "--json"]);
        Assert.True(code == 0, stderr);

        for (var i = 0; i < 3; i++)
        {
            (code, _, stderr) = await CliRunner.Run(["generate", "--preset", "gzipscale-0.35", "--tokens", "60k", "--threads", "1", "--shard", $"{i}/3", "--out", split]);
            Assert.True(code == 0, stderr);
            Assert.False(File.Exists(Path.Combine(split, "dataset.json")));
        }

        (code, var mergedJson, stderr) = await CliRunner.Run("dataset", "merge-manifests", split, "--json");
        Assert.True(code == 0, stderr);
        using var a = JsonDocument.Parse(wholeJson);
        using var b = JsonDocument.Parse(mergedJson);
        foreach (var key in new[] { "documents", "tokens", "datasetDocuments", "shardCount" })
        {
            Assert.Equal(a.RootElement.GetProperty(key).GetInt64(), b.RootElement.GetProperty(key).GetInt64());
        }

        Assert.Equal(a.RootElement.GetProperty("shards").GetRawText(), b.RootElement.GetProperty("shards").GetRawText());
        Assert.Equal(a.RootElement.GetProperty("gzip").GetRawText(), b.RootElement.GetProperty("gzip").GetRawText());
        for (var i = 0; i < 3; i++)
        {
            var name = $"train-0000{i}-of-00003.parquet";
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(split, name)));
        }

        Assert.True(File.Exists(Path.Combine(split, "dataset.json")));
        (code, var table, _) = await CliRunner.Run("dataset", "summary", whole, split);
        Assert.Equal(0, code);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("dataset", lines[0], StringComparison.Ordinal);
        Assert.Contains("gzipscale-0.35", lines[1], StringComparison.Ordinal);
        Assert.Contains("spectral radius", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merging_before_every_shard_is_done_is_a_user_error()
    {
        var split = Path.Combine(_root.FullName, "split");
        var (code, _, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.35", "--tokens", "60k", "--shard", "0/2", "--out", split);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRunner.Run("dataset", "merge-manifests", split);
        Assert.Equal(2, code);
        Assert.Contains("Shard 1 of 2 has no manifest yet", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await CliRunner.Run("dataset", "summary", Path.Combine(_root.FullName, "none"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(99, 3, "error: A per-shard manifest records shard 99 of 3, out of range (the index runs from 0 to 2): it is damaged or edited; regenerate that shard.")]
    [InlineData(0, -1, "error: A per-shard manifest records a shard count of -1: a split run has at least 1 shard, so the manifest is damaged or edited; regenerate that shard.")]
    [InlineData(-1, 1, "error: A per-shard manifest records shard -1 of 1, out of range (the index runs from 0 to 0): it is damaged or edited; regenerate that shard.")]
    public async Task An_edited_shard_index_or_count_is_one_line_not_a_crash(int index, int count, string expected)
    {
        // Shard 99 of 3 was an IndexOutOfRangeException and a count of -1 an OverflowException (exit 70).
        var split = Path.Combine(_root.FullName, "edited");
        var (code, _, stderr) = await CliRunner.Run(["generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--threads", "1", "--floor-docs", "0", "--shard", "0/1", "--out", split]);
        Assert.True(code == 0, stderr);
        var manifest = Assert.Single(Directory.GetFiles(split, "dataset.train-*.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        node["shardIndex"] = index;
        node["shardCount"] = count;
        File.WriteAllText(manifest, node.ToJsonString());
        (code, _, stderr) = await CliRunner.Run("dataset", "merge-manifests", split);
        Assert.Equal(PcfgLab.Cli.PcfgLabApp.UsageError, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.False(File.Exists(Path.Combine(split, "dataset.json")));
    }

    [Fact]
    public async Task Merge_manifests_waits_for_no_one_and_refuses_while_a_run_writes_the_folder()
    {
        var split = Path.Combine(_root.FullName, "busy");
        var (code, _, stderr) = await CliRunner.Run(["generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--threads", "1", "--shard", "0/1", "--out", split]);
        Assert.True(code == 0, stderr);
        using (PcfgLab.Storage.OutputFolderLock.Acquire(split, "pcfglab generate, process 5", "train-00000-of-00001"))
        {
            (code, _, stderr) = await CliRunner.Run("dataset", "merge-manifests", split);
            Assert.Equal(PcfgLab.Cli.PcfgLabApp.UsageError, code);
            Assert.Contains("in use by another run (pcfglab generate, process 5", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(split, "dataset.json")));
        }

        (code, _, stderr) = await CliRunner.Run("dataset", "merge-manifests", split);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task Merge_manifests_refuses_a_shard_file_name_outside_the_folder()
    {
        var split = Path.Combine(_root.FullName, "split");
        var (code, _, stderr) = await CliRunner.Run(["generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--threads", "1", "--shard", "0/1", "--out", split]);
        Assert.True(code == 0, stderr);
        var part = Assert.Single(Directory.GetFiles(split, "dataset.train-*.json"));
        var text = File.ReadAllText(part);
        Assert.Contains("\"train-00000-of-00001.parquet\"", text, StringComparison.Ordinal);
        File.WriteAllText(part, text.Replace("\"train-00000-of-00001.parquet\"", "\"../../../../etc/hostname\"", StringComparison.Ordinal));

        (code, var stdout, stderr) = await CliRunner.Run("dataset", "merge-manifests", split);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"error: shard 0's manifest names its file '../../../../etc/hostname', which is not a plain file name in '{split}': the per-shard manifest was edited; rerun that shard.", stderr.Trim());
        Assert.False(File.Exists(Path.Combine(split, "dataset.json")));
    }
}
