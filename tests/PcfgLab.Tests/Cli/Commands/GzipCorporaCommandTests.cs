using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli.Commands;

/// <summary><c>pcfglab gzip</c> on text folders, JSON Lines and Parquet text, with its options and bad input.</summary>
public sealed class GzipCorporaCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-gzip-corpora-");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Repetitive "code": a few templates with counters (compresses well).</summary>
    private static string Code(int functions) =>
        string.Concat(Enumerable.Range(0, functions).Select(i => $"int get_value_{i % 7}(struct item *it)\n{{\n    return it->values[{i % 5}] + {i % 3};\n}}\n\n"));

    /// <summary>Varied "prose": random words from a larger vocabulary (compresses worse).</summary>
    private static string Prose(int sentences, int seed)
    {
        var random = new Random(seed);
        var words = "time person year way day thing man world life hand part child eye woman place work week case point government company number group problem fact be have do say get make go know take see come think look want give use find tell ask seem feel try leave call good new first last long great little own other old right big high different small large next early young important few public bad same able".Split(' ');
        var builder = new StringBuilder();
        for (var s = 0; s < sentences; s++)
        {
            var n = random.Next(6, 18);
            for (var w = 0; w < n; w++)
            {
                builder.Append(words[random.Next(words.Length)]).Append(w == n - 1 ? ". " : " ");
            }

            if (s % 5 == 4)
            {
                builder.Append('\n');
            }
        }

        return builder.ToString();
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<string> WriteTextParquetAsync(string relative, string column, string[] texts)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var field = new DataField<string>(column);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync(field, texts);
        return path;
    }

    private static JsonElement[] Sources(string json) => [.. JsonDocument.Parse(json).RootElement.GetProperty("sources").EnumerateArray()];

    [Fact]
    public async Task Several_sources_give_one_table_and_one_json_sorted_by_median()
    {
        var code = Path.GetDirectoryName(Write("code/a.c", Code(120)))!;
        Write("code/b.c", Code(90));
        var prose = Path.GetDirectoryName(Write("prose/a.txt", Prose(300, 1)))!;
        var jsonl = Write("records.jsonl", string.Join("\n", Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { text = Prose(40, 10 + i) }))));
        var parquet = await WriteTextParquetAsync("pq/t.parquet", "text", [.. Enumerable.Range(0, 10).Select(i => Prose(60, 50 + i))]);

        var (status, stdout, stderr) = await CliRunner.Run("gzip", prose, jsonl, code, parquet, "--docs", "100", "--json");
        Assert.True(status == 0, stderr);
        var sources = Sources(stdout);
        Assert.Equal(4, sources.Length);
        var medians = sources.Select(s => s.GetProperty("median").GetDouble()).ToArray();
        Assert.Equal(medians.Order().ToArray(), medians);
        Assert.Equal(code, sources[0].GetProperty("source").GetString());
        Assert.Equal(["jsonl text", "parquet text", "text files"], sources.Skip(1).Select(s => s.GetProperty("kind").GetString()!).Order().ToArray());
        foreach (var source in sources)
        {
            Assert.Equal("cl100k", source.GetProperty("tokenizer").GetString());
            Assert.Equal(256, source.GetProperty("docLen").GetInt32());
            Assert.InRange(source.GetProperty("median").GetDouble(), source.GetProperty("medianCiLow").GetDouble(), source.GetProperty("medianCiHigh").GetDouble());
            Assert.True(source.GetProperty("windows").GetInt64() >= source.GetProperty("count").GetInt32());
            Assert.True(source.GetProperty("tokensPerSecond").GetDouble() > 0);
        }

        // Code is more compressible than varied prose, beyond sampling noise.
        Assert.True(sources[0].GetProperty("medianCiHigh").GetDouble() < sources[1].GetProperty("medianCiLow").GetDouble());
        Assert.False(JsonDocument.Parse(stdout).RootElement.TryGetProperty("median", out _)); // several sources: no top-level headline

        (status, stdout, _) = await CliRunner.Run("gzip", prose, code, "--docs", "100");
        Assert.Equal(0, status);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("source", lines[0], StringComparison.Ordinal);
        Assert.Contains("95% CI", lines[0], StringComparison.Ordinal);
        Assert.Contains("MB/s", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(code, lines[1], StringComparison.Ordinal);
        Assert.StartsWith(prose, lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compressors_bytes_all_and_doc_len_options()
    {
        var file = Write("a.txt", Prose(200, 2));
        var (status, stdout, stderr) = await CliRunner.Run("gzip", file, "--compressors", "gzip1,brotli", "--compressors", "zstd", "--json");
        Assert.True(status == 0, stderr);
        var source = Assert.Single(Sources(stdout));
        Assert.Equal(["gzip9", "gzip1", "brotli", "zstd"], source.GetProperty("compressors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(source.GetProperty("median").GetDouble(), source.GetProperty("compressors").GetProperty("gzip9").GetProperty("median").GetDouble());

        (status, stdout, _) = await CliRunner.Run("gzip", file, "--bytes", "--all", "--json");
        Assert.Equal(0, status);
        source = Assert.Single(Sources(stdout));
        Assert.Equal("bytes", source.GetProperty("unit").GetString());
        Assert.Equal(1024, source.GetProperty("docLen").GetInt32());
        Assert.Equal(new FileInfo(file).Length / 1024, source.GetProperty("windows").GetInt64());
        Assert.Equal(source.GetProperty("windows").GetInt64(), source.GetProperty("count").GetInt32());

        (status, stdout, _) = await CliRunner.Run("gzip", file, "--doc-len", "64", "--docs", "10", "--bootstrap", "300", "--json");
        Assert.Equal(0, status);
        source = Assert.Single(Sources(stdout));
        Assert.Equal(64, source.GetProperty("docLen").GetInt32());
        Assert.Equal(300, source.GetProperty("bootstrapResamples").GetInt32());
        Assert.Equal(10, source.GetProperty("count").GetInt32());
        Assert.Equal(source.GetProperty("tokens").GetInt64() / 64, source.GetProperty("windows").GetInt64());
    }

    [Fact]
    public async Task Include_exclude_field_column_and_tokenizer_options()
    {
        Write("tree/keep.py", Code(60));
        Write("tree/skip.c", Code(60));
        Write("tree/tests/t.py", Code(60));
        var (status, stdout, stderr) = await CliRunner.Run("gzip", Path.Combine(_root.FullName, "tree"), "--include", "*.py", "--include", "*.h", "--exclude", "tests", "--json");
        Assert.True(status == 0, stderr);
        Assert.Equal(1, Assert.Single(Sources(stdout)).GetProperty("documents").GetInt64());

        var jsonl = Write("r.jsonl", JsonSerializer.Serialize(new { body = Prose(60, 3) }) + "\n");
        (status, stdout, stderr) = await CliRunner.Run("gzip", jsonl, "--field", "body", "--json");
        Assert.True(status == 0, stderr);
        Assert.Equal(1, Assert.Single(Sources(stdout)).GetProperty("documents").GetInt64());

        var parquet = await WriteTextParquetAsync("c.parquet", "content", [Prose(80, 4)]);
        (status, stdout, stderr) = await CliRunner.Run("gzip", parquet, "--column", "content", "--tokenizer", "o200k", "--json");
        Assert.True(status == 0, stderr);
        var source = Assert.Single(Sources(stdout));
        Assert.Equal("parquet content", source.GetProperty("kind").GetString());
        Assert.Equal("o200k", source.GetProperty("tokenizer").GetString());

        // --format forces a reader: a .txt of JSON Lines read as records.
        var records = Write("records.txt", JsonSerializer.Serialize(new { text = Prose(60, 5) }) + "\n");
        (status, stdout, stderr) = await CliRunner.Run("gzip", records, "--format", "jsonl", "--json");
        Assert.True(status == 0, stderr);
        Assert.Equal("jsonl text", Assert.Single(Sources(stdout)).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Skipped_files_are_reported_not_fatal()
    {
        Write("mixed/a.txt", Prose(100, 6));
        File.WriteAllBytes(Path.Combine(_root.FullName, "mixed", "b.bin"), [0, 1, 2, 0]);
        var (status, stdout, stderr) = await CliRunner.Run("gzip", Path.Combine(_root.FullName, "mixed"), "--json");
        Assert.True(status == 0, stderr);
        Assert.Equal(1, Assert.Single(Sources(stdout)).GetProperty("skipped").GetProperty("binary").GetInt64());
        Assert.Contains("skipped 1 binary", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-column", "--column", "input_ids")]
    [InlineData("bad-tokenizer", "--tokenizer", "{root}/tokenizer.json")]
    [InlineData("unknown-tokenizer", "--tokenizer", "gpt2")]
    [InlineData("unknown-compressor", "--compressors", "lz4")]
    [InlineData("zero-docs", "--docs", "0")]
    [InlineData("empty-corpus", "--doc-len", "100000")]
    public async Task Bad_input_is_a_one_line_error_with_exit_code_2(string name, string option, string value)
    {
        var parquet = await WriteTextParquetAsync("t.parquet", "text", [Prose(100, 7)]);
        File.WriteAllText(Path.Combine(_root.FullName, "tokenizer.json"), "{ not json");
        var (status, stdout, stderr) = await CliRunner.Run("gzip", parquet, option, value.Replace("{root}", _root.FullName, StringComparison.Ordinal));
        Assert.True(status == 2, $"{name}: exit {status}, {stderr}");
        Assert.Empty(stdout);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task An_empty_folder_is_an_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root.FullName, "empty")).FullName;
        var (status, _, stderr) = await CliRunner.Run("gzip", empty);
        Assert.Equal(2, status);
        Assert.Contains("no complete window", stderr, StringComparison.Ordinal);
    }

    [SystemPathFact("base-files", SystemCorpora.Licenses)]
    public async Task Deflate_zlib_gives_pythons_median_on_gpl3_and_is_recorded()
    {
        // The 34 whole 1,024-byte windows of GPL-3: Python's gzip (classic zlib) gives a median of 0.515625
        // (528 bytes), System.IO.Compression's zlib-ng 0.51611328125 (528.5: the two middle windows differ).
        var gpl = Path.Combine(SystemCorpora.Licenses, "GPL-3");
        var (status, stdout, stderr) = await CliRunner.Run("gzip", gpl, "--bytes", "--all", "--deflate", "zlib", "--json");
        Assert.True(status == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal("zlib", json.RootElement.GetProperty("deflate").GetString());
            Assert.Equal("zlib", json.RootElement.GetProperty("parameters").GetProperty("deflate").GetString());
            Assert.Equal(34, json.RootElement.GetProperty("count").GetInt32());
            Assert.Equal(0.515625, json.RootElement.GetProperty("median").GetDouble());
        }

        (status, stdout, stderr) = await CliRunner.Run("gzip", gpl, "--bytes", "--all", "--json");
        Assert.True(status == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal("zlib-ng", json.RootElement.GetProperty("deflate").GetString());
            Assert.Equal(0.51611328125, json.RootElement.GetProperty("median").GetDouble());
        }
    }

    [Fact]
    public async Task An_unknown_deflate_is_a_usage_error()
    {
        var (status, stdout, stderr) = await CliRunner.Run("gzip", "/dev/null", "--deflate", "miniz");
        Assert.NotEqual(0, status);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("miniz", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [SystemPathFact("libc6-dev base-files", SystemCorpora.CHeaders, SystemCorpora.Licenses)]
    public async Task Real_c_headers_are_more_compressible_than_licence_prose_under_cl100k()
    {
        // A few hundred windows each: the a*.h Linux UAPI headers and the GPL and Apache licence texts.
        var (status, stdout, stderr) = await CliRunner.Run(
            "gzip", Path.Combine(SystemCorpora.CHeaders, "linux"), SystemCorpora.Licenses, "--include", "a*.h", "--include", "*GPL*", "--include", "Apache*", "--docs", "300", "--tokenizer", "cl100k", "--json");
        Assert.True(status == 0, stderr);
        var sources = Sources(stdout);
        Assert.Equal(2, sources.Length);
        Assert.Equal(Path.Combine(SystemCorpora.CHeaders, "linux"), sources[0].GetProperty("source").GetString());
        Assert.True(sources[0].GetProperty("medianCiHigh").GetDouble() < sources[1].GetProperty("medianCiLow").GetDouble(), stdout);
    }

    [SystemPathFact("python3 base-files", SystemPathFactAttribute.PythonStdlib, SystemCorpora.Licenses)]
    public async Task Python_standard_library_is_more_compressible_than_licence_prose_under_cl100k()
    {
        // Two small packages of the standard library (json, email: about 2 MB, a few hundred windows) against the
        // GPL and Apache texts; code's interval must lie wholly below prose's.
        var stdlib = SystemCorpora.PythonStdlib!;
        var (status, stdout, stderr) = await CliRunner.Run(
            "gzip", Path.Combine(stdlib, "json"), Path.Combine(stdlib, "email"), SystemCorpora.Licenses,
            "--include", "*.py", "--include", "*GPL*", "--include", "Apache*", "--docs", "300", "--json");
        Assert.True(status == 0, stderr);
        var sources = Sources(stdout);
        Assert.Equal(SystemCorpora.Licenses, sources[^1].GetProperty("source").GetString());
        var proseLow = sources[^1].GetProperty("medianCiLow").GetDouble();
        Assert.All(sources[..^1], code => Assert.True(code.GetProperty("medianCiHigh").GetDouble() < proseLow, stdout));
    }
}
