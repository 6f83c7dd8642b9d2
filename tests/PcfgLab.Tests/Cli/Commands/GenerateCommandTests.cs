using System.Text.Json;
using PcfgLab.Cli;

using static PcfgLab.Tests.TestSupport.CliRunner;
namespace PcfgLab.Tests.Cli.Commands;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-generate-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Generates_a_dataset_and_prints_the_manifest_as_json()
    {
        var folder = Path.Combine(_root.FullName, "ds");
        var (code, stdout, stderr) = await Run("generate", "--nonterminals", "20", "--terminals", "300", "--max-options", "10", "--max-length", "5",
            "--seed", "1", "--tokens", "100k", "--doc-len", "256", "--threads", "2", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(391, root.GetProperty("documents").GetInt64()); // ceil(100000 / 256)
        Assert.Equal(391 * 256, root.GetProperty("tokens").GetInt64());
        Assert.Equal("(20,300,10,5)", root.GetProperty("spec").GetString());
        Assert.Equal("100k", root.GetProperty("parameters").GetProperty("tokens").GetString());
        Assert.InRange(root.GetProperty("gzip").GetProperty("median").GetDouble(), 0.3, 0.45);
        Assert.True(File.Exists(Path.Combine(folder, "train-00000-of-00001.parquet")));
        Assert.True(File.Exists(Path.Combine(folder, "grammar.pcfg")));
    }

    [Fact]
    public async Task A_preset_and_a_grammar_file_work_too()
    {
        var first = Path.Combine(_root.FullName, "preset");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.35", "--tokens", "20k", "--out", first, "--threads", "1");
        Assert.True(code == 0, stderr);
        var second = Path.Combine(_root.FullName, "file");
        (code, _, stderr) = await Run("generate", "--grammar", Path.Combine(first, "grammar.pcfg"), "--tokens", "20k", "--out", second, "--threads", "1");
        Assert.True(code == 0, stderr);

        // Same grammar and seed: the same documents, whatever the grammar's source.
        var a = File.ReadAllBytes(Path.Combine(first, "train-00000-of-00001.parquet"));
        var b = File.ReadAllBytes(Path.Combine(second, "train-00000-of-00001.parquet"));
        Assert.Equal(a.Length > 0, b.Length > 0);
        var docsA = await ReadAll(first);
        var docsB = await ReadAll(second);
        Assert.Equal(docsA, docsB);
    }

    [Theory]
    [InlineData("missing-grammar", "--grammar", "{root}/nope.pcfg", "--tokens", "1k")]
    [InlineData("malformed-grammar", "--grammar", "{root}/bad.pcfg", "--tokens", "1k")]
    [InlineData("no-finite-sentence", "--grammar", "{root}/endless.pcfg", "--tokens", "1k")]
    [InlineData("zero-nonterminals", "--nonterminals", "0", "--terminals", "300", "--max-options", "10", "--max-length", "5", "--tokens", "1k")]
    [InlineData("negative-terminals", "--nonterminals", "20", "--terminals", "-3", "--max-options", "10", "--max-length", "5", "--tokens", "1k")]
    [InlineData("zero-tokens", "--preset", "gzipscale-0.35", "--tokens", "0")]
    [InlineData("negative-tokens", "--preset", "gzipscale-0.35", "--tokens", "-5k")]
    [InlineData("bad-tokens", "--preset", "gzipscale-0.35", "--tokens", "lots")]
    [InlineData("zero-doc-len", "--preset", "gzipscale-0.35", "--tokens", "1k", "--doc-len", "0")]
    [InlineData("zero-threads", "--preset", "gzipscale-0.35", "--tokens", "1k", "--threads", "0")]
    [InlineData("unknown-preset", "--preset", "gzipscale-9.99", "--tokens", "1k")]
    [InlineData("two-grammars", "--preset", "gzipscale-0.35", "--grammar", "{root}/bad.pcfg", "--tokens", "1k")]
    [InlineData("three-sizes", "--nonterminals", "20", "--terminals", "300", "--max-options", "10", "--tokens", "1k")]
    [InlineData("shard-out-of-range", "--preset", "gzipscale-0.35", "--tokens", "10k", "--shard", "3/3")]
    [InlineData("shard-not-i-of-n", "--preset", "gzipscale-0.35", "--tokens", "10k", "--shard", "one")]
    [InlineData("shard-disagrees", "--preset", "gzipscale-0.35", "--tokens", "10k", "--shard", "1/3", "--shards", "4")]
    [InlineData("too-many-shards", "--preset", "gzipscale-0.35", "--tokens", "1k", "--shards", "9")]
    [InlineData("zstd-level", "--preset", "gzipscale-0.35", "--tokens", "1k", "--codec", "zstd", "--zstd-level", "7")]
    [InlineData("reference-with-file", "--grammar", "{root}/good.pcfg", "--tokens", "1k", "--compat", "reference")]
    [InlineData("reference-doc-len", "--preset", "gzipscale-0.35", "--tokens", "1k", "--compat", "reference", "--doc-len", "128")]
    public async Task Bad_input_is_one_line_exit_2_and_writes_nothing(string name, params string[] options)
    {
        File.WriteAllText(Path.Combine(_root.FullName, "bad.pcfg"), "S -> N0 [0.5\nN0 -> '1' [1.0]\n");
        File.WriteAllText(Path.Combine(_root.FullName, "endless.pcfg"), "S -> S '1' [1.0]\n");
        File.WriteAllText(Path.Combine(_root.FullName, "good.pcfg"), "S -> '1' [0.5] | '2' [0.5]\n");
        var folder = Path.Combine(_root.FullName, name);
        var args = options.Select(o => o.Replace("{root}", _root.FullName, StringComparison.Ordinal)).Concat(["--out", folder]).Prepend("generate").ToArray();
        var (code, stdout, stderr) = await Run(args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "the output folder must stay empty");
    }

    [Theory]
    [InlineData("error: --threads must be positive, got 0.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--threads", "0")]
    [InlineData("error: --shards 9 is more than the 4 documents: use at most 4 shards.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--shards", "9")]
    [InlineData("error: --zstd-level 7 is not available: Parquet.Net writes Zstandard at levels 1, 3 or 19 only.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--codec", "zstd", "--zstd-level", "7")]
    [InlineData("error: --compat reference makes documents of 256 tokens: drop --doc-len or set it to 256.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--compat", "reference", "--doc-len", "128")]
    [InlineData("error: --nonterminals must be a positive integer, got 0.", "--nonterminals", "0", "--terminals", "300", "--max-options", "10", "--max-length", "5", "--tokens", "1k")]
    [InlineData("error: Give one grammar, not several: a grammar file (--grammar), a preset (--preset) or the four sizes (--nonterminals, --terminals, --max-options, --max-length).", "--preset", "gzipscale-0.35", "--terminals", "5", "--tokens", "1k")]
    [InlineData("error: --floor-docs must be at most 10000000 (each document's loss is kept in memory for the standard error, which is negligible long before that), got 2147483647.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--floor-docs", "2147483647")]
    [InlineData("error: --floor-sentences must be at most 10000000 (each sentence's values are kept in memory for the standard error, which is negligible long before that), got 2147483647.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--floor-sentences", "2147483647")]
    [InlineData("error: --tokens 9223372036854775807 is too many: 36028797018963968 documents of 256 tokens do not fit in a 64-bit count; ask for at most 9223372036854775552.", "--preset", "gzipscale-0.35", "--tokens", "9223372036854775807")]
    [InlineData("error: --seed must be zero or positive, got -1.", "--preset", "gzipscale-0.35", "--tokens", "1k", "--seed", "-1")]
    [InlineData("error: --seed must be zero or positive, got -1.", "--target-gzip", "0.3", "--tokens", "1k", "--seed", "-1")]
    public async Task The_librarys_parameter_errors_are_said_with_the_flags(string expected, params string[] options)
    {
        var (code, _, stderr) = await Run([.. options.Prepend("generate"), "--out", Path.Combine(_root.FullName, "flags")]);

        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("9223372036854775808")]
    [InlineData("1.5")]
    public async Task A_seed_that_is_not_a_whole_64_bit_number_is_one_line_exit_2(string seed)
    {
        var folder = Path.Combine(_root.FullName, "seed");
        var (code, stdout, stderr) = await Run("generate", "--preset", "gzipscale-0.35", "--tokens", "1k", "--seed", seed, "--out", folder);

        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Empty(stdout);
        Assert.Equal($"error: --seed must be a whole number from -9223372036854775808 to 9223372036854775807, got '{seed}'. (see 'pcfglab generate --help')",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_request_larger_than_the_free_disk_is_refused_before_anything_is_written()
    {
        // 1e15 tokens are hundreds of terabytes at any codec: one line naming the size, the free space and the override,
        // and no folder left behind.
        var folder = Path.Combine(_root.FullName, "huge");
        var (code, stdout, stderr) = await Run("generate", "--preset", "gzipscale-0.35", "--tokens", "1e15", "--out", folder);
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: --tokens 1000000000000000 needs about ", line, StringComparison.Ordinal);
        Assert.Contains(" TB (", line, StringComparison.Ordinal);
        Assert.Contains("free: ask for fewer tokens or free space, or pass --ignore-free-space if the estimate is wrong.", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task An_unwritable_output_folder_is_a_user_error()
    {
        var file = Path.Combine(_root.FullName, "a-file");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.35", "--tokens", "1k", "--out", Path.Combine(file, "sub"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: Cannot write to output folder", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_dataset_needs_force_and_is_left_intact_without_it()
    {
        var folder = Path.Combine(_root.FullName, "twice");
        string[] args = ["generate", "--preset", "gzipscale-0.35", "--tokens", "10k", "--threads", "1", "--out", folder];
        Assert.Equal(0, (await Run(args)).Code);
        var before = File.ReadAllBytes(Path.Combine(folder, "dataset.json"));
        var (code, _, stderr) = await Run(args);
        Assert.Equal(2, code);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(folder, "dataset.json")));
        Assert.Equal(0, (await Run([.. args, "--force", "--seed", "2"])).Code);
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(folder, "dataset.json")));
    }

    [Fact]
    public async Task Reference_profile_runs_through_the_command_line()
    {
        var folder = Path.Combine(_root.FullName, "ref");
        var (code, stdout, stderr) = await Run("generate", "--preset", "gzipscale-0.35", "--seed", "1", "--tokens", "5k", "--compat", "reference", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("reference", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("documents").GetInt64());
    }

    [Fact]
    public async Task An_absurd_doc_len_is_refused_at_once_saying_why()
    {
        var folder = Path.Combine(_root.FullName, "long");
        var (code, stdout, stderr) = await Run("generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--doc-len", "100000000", "--out", folder)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: --doc-len 100000000 is too long: at most 1048576 tokens (2^20), longer than any model's context, because each document is built whole in memory.", line);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("--preset", "gzipscale-0.11")]
    [InlineData("--target-gzip", "0.3")]
    public async Task A_negative_doc_len_is_refused_before_any_work(string option, string value)
    {
        var folder = Path.Combine(_root.FullName, "negative");
        var (code, _, stderr) = await Run("generate", option, value, "--tokens", "10k", "--doc-len", "-1", "--out", folder)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PcfgLabApp.UsageError, code);

        // One line, and no dial search started first.
        Assert.Equal("error: --doc-len must be positive, got -1.", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Threads_beyond_the_processors_are_capped_with_a_note()
    {
        var folder = Path.Combine(_root.FullName, "threads");
        var (code, stdout, stderr) = await Run("generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--threads", "1000", "--out", folder, "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains($"warn: --threads 1000 capped at {Environment.ProcessorCount}: ", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(Environment.ProcessorCount, json.RootElement.GetProperty("threads").GetInt32());
    }

    [Fact]
    public async Task A_second_generate_into_a_busy_folder_fails_naming_the_first()
    {
        var folder = Path.Combine(_root.FullName, "busy");
        using var first = PcfgLab.Storage.OutputFolderLock.Acquire(folder, "pcfglab generate, process 777 on elsewhere");
        var (code, _, stderr) = await Run("generate", "--preset", "gzipscale-0.11", "--tokens", "10k", "--out", folder);
        Assert.Equal(PcfgLabApp.UsageError, code);
        Assert.Contains("error: '" + folder + "' is in use by another run (pcfglab generate, process 777 on elsewhere, started ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(folder), f => f.EndsWith(".parquet", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));
    }

    private static async Task<List<int[]>> ReadAll(string folder)
    {
        var list = new List<int[]>();
        await foreach (var d in PcfgLab.Storage.ParquetDatasetReader.Open(folder).ReadDocumentsAsync())
        {
            list.Add(d);
        }

        return list;
    }
}
