using System.Text.Json;

using PcfgLab.Tests.TestSupport;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class GzipCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-gzip-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Reading_a_dataset_back_gives_the_statistics_of_its_manifest()
    {
        var folder = Path.Combine(_root.FullName, "ds");
        var (code, generated, stderr) = await CliRunner.Run("generate", "--preset", "gzipscale-0.22", "--tokens", "300k", "--shards", "2", "--threads", "2", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        using var manifest = JsonDocument.Parse(generated);
        var expected = manifest.RootElement.GetProperty("gzip");

        (code, var stdout, stderr) = await CliRunner.Run("gzip", folder, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(expected.GetProperty("median").GetDouble(), root.GetProperty("median").GetDouble());
        Assert.Equal(expected.GetProperty("stdev").GetDouble(), root.GetProperty("stdev").GetDouble());
        Assert.Equal(expected.GetProperty("mean").GetDouble(), root.GetProperty("mean").GetDouble());
        Assert.Equal(1000, root.GetProperty("count").GetInt32());
        Assert.Equal(1172, root.GetProperty("documents").GetInt64()); // ceil(300000 / 256)
        var source = Assert.Single(root.GetProperty("sources").EnumerateArray());
        Assert.Equal("parquet input_ids", source.GetProperty("kind").GetString());
        Assert.Equal(expected.GetProperty("median").GetDouble(), source.GetProperty("median").GetDouble());
        Assert.Equal(ToolInfo.Version, root.GetProperty("version").GetString());
        Assert.Contains($"\"version\": \"{ToolInfo.Version}\"", stdout, StringComparison.Ordinal); // '+' not escaped

        (code, stdout, _) = await CliRunner.Run("gzip", Path.Combine(folder, "train-00000-of-00002.parquet"), "--docs", "50", "--seed", "3");
        Assert.Equal(0, code);
        var row = stdout.Split('\n')[1];
        Assert.Matches(@"train-00000-of-00002\.parquet\s+parquet input_ids, rows\s+586\s+50\s+0\.\d{4}", row);
    }

    [Fact]
    public async Task A_missing_dataset_or_column_is_a_one_line_error()
    {
        var (code, _, stderr) = await CliRunner.Run("gzip", Path.Combine(_root.FullName, "nope"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);

        var folder = Path.Combine(_root.FullName, "ds");
        Assert.Equal(0, (await CliRunner.Run("generate", "--preset", "gzipscale-0.11", "--tokens", "5k", "--out", folder)).Code);
        (code, _, stderr) = await CliRunner.Run("gzip", folder, "--column", "text");
        Assert.Equal(2, code);
        Assert.Contains("no column 'text'", stderr, StringComparison.Ordinal);
        (code, _, _) = await CliRunner.Run("gzip", folder, "--docs", "0");
        Assert.Equal(2, code);
    }
}
