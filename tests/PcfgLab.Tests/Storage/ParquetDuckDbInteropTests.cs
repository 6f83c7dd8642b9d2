using System.Diagnostics;
using System.Text.Json;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

/// <summary>
/// Reads the Parquet files of <see cref="ParquetDatasetWriter"/> with DuckDB (an independent implementation, from
/// npm: tests/interop), and reads a file DuckDB wrote with <see cref="ParquetDatasetReader"/>.
/// </summary>
public sealed class ParquetDuckDbInteropTests : IDisposable
{
    private static readonly string InteropFolder = Path.Combine(TestSupport.SharedFiles.RepositoryRoot, "tests", "interop");
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-duckdb-");

    public void Dispose() => _root.Delete(recursive: true);

    [NodeFact]
    public async Task DuckDB_reads_the_documents_counts_and_footer_keys_exactly()
    {
        // The reference profile gives 255- and 256-token documents, so variable-length rows are checked too.
        var spec = new GrammarSpec(20, 300, 10, 5);
        var folder = Path.Combine(_root.FullName, "ds");
        var manifest = await DatasetGenerator.GenerateAsync(
            new DatasetGrammar(new ReferenceSampler(spec, new Seed(1)).Grammar, spec, null, "spec"),
            new GenerationOptions { OutputFolder = folder, Tokens = 30_000, Seed = new(1), Profile = GenerationProfile.Reference, ShardCount = 2, RowGroupDocuments = 16, GzipDocuments = 10 });

        // What our own reader sees, to compare with DuckDB's answer.
        long documents = 0, tokens = 0;
        int shortest = int.MaxValue, longest = 0, min = int.MaxValue, max = int.MinValue;
        int[]? head = null;
        await foreach (var document in ParquetDatasetReader.Open(folder).ReadDocumentsAsync())
        {
            head ??= document[..5];
            documents++;
            tokens += document.Length;
            shortest = Math.Min(shortest, document.Length);
            longest = Math.Max(longest, document.Length);
            foreach (var t in document)
            {
                min = Math.Min(min, t);
                max = Math.Max(max, t);
            }
        }

        using var json = JsonDocument.Parse(await Node("inspect", Path.Combine(folder, "*.parquet")));
        var root = json.RootElement;
        Assert.Equal(118, documents); // ceil(30000 / 256)
        Assert.Equal(manifest.Documents, root.GetProperty("documents").GetInt64());
        Assert.Equal(documents, root.GetProperty("documents").GetInt64());
        Assert.Equal(manifest.Tokens, root.GetProperty("tokens").GetInt64());
        Assert.Equal(tokens, root.GetProperty("tokens").GetInt64());
        Assert.Equal(255, root.GetProperty("shortest").GetInt32());
        Assert.Equal(longest, root.GetProperty("longest").GetInt32());
        Assert.Equal(shortest, root.GetProperty("shortest").GetInt32());
        Assert.Equal(min, root.GetProperty("minToken").GetInt32());
        Assert.Equal(max, root.GetProperty("maxToken").GetInt32());
        Assert.Equal(head, root.GetProperty("head").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(["huggingface", "pcfglab"], root.GetProperty("keys").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(ParquetDatasetWriter.HuggingFaceFeatures, root.GetProperty("huggingface").GetString());
        Assert.Equal("INTEGER[]", root.GetProperty("type").GetString());
    }

    [NodeFact]
    public async Task DuckDB_reads_dictionary_and_plain_row_groups_of_one_file_exactly()
    {
        // Row group 1: small ids, bit-packed against the identity dictionary; 2: ids too large for it, PLAIN;
        // 3: variable lengths with an empty list, dictionary again. Zstd, so another codec than the test above.
        var path = Path.Combine(_root.FullName, "mixed", "m.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var small = Enumerable.Range(0, 4096).Select(i => (i * 7) % 300).ToArray();
        int[] large = [3_000_000, 1, 2, 2_999_999];
        var variable = Enumerable.Range(0, 900).Select(i => i % 5).ToArray();
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Parse("zstd", 3)))
        {
            await writer.WriteRowGroupAsync(small, 256);
            await writer.WriteRowGroupAsync(large, 2);
            await writer.WriteRowGroupAsync(variable, new[] { 300, 0, 600 });
            await writer.CompleteAsync();
        }

        using var json = JsonDocument.Parse(await Node("inspect", path));
        var root = json.RootElement;
        Assert.Equal(16 + 2 + 3, root.GetProperty("documents").GetInt64());
        Assert.Equal(4096 + 4 + 900, root.GetProperty("tokens").GetInt64());
        Assert.Equal(0, root.GetProperty("shortest").GetInt32());
        Assert.Equal(600, root.GetProperty("longest").GetInt32());
        Assert.Equal(0, root.GetProperty("minToken").GetInt32());
        Assert.Equal(3_000_000, root.GetProperty("maxToken").GetInt32());
        Assert.Equal(small[..5], root.GetProperty("head").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal("INTEGER[]", root.GetProperty("type").GetString());
    }

    [NodeFact]
    public async Task The_reader_reads_a_bigint_list_file_that_DuckDB_wrote()
    {
        var path = Path.Combine(_root.FullName, "duckdb.parquet");
        await Node("write", path);
        var documents = new List<int[]>();
        await foreach (var document in ParquetDatasetReader.Open(path, "tokens").ReadDocumentsAsync())
        {
            documents.Add(document);
        }

        Assert.Equal(5, documents.Count);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal([i, i + 1, 3_000_000], documents[i]);
        }
    }

    private static async Task<string> Node(params string[] args)
    {
        await EnsurePackagesAsync();
        var (code, stdout, stderr) = await RunAsync("node", ["duckdb-check.mjs", .. args]);
        Assert.True(code == 0, "node duckdb-check.mjs failed: " + stderr);
        return stdout;
    }

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private static async Task EnsurePackagesAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(InteropFolder, "node_modules", "@duckdb", "node-api")))
            {
                var (code, _, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
                if (code != 0)
                {
                    // A registry mirror that lacks the other platforms' optional DuckDB bindings makes npm ci refuse
                    // the lock file ("Missing: @duckdb/node-bindings-darwin-arm64"); npm install honours the same
                    // locked versions and skips what the mirror lacks.
                    (code, _, var again) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--no-save"]);
                    Assert.True(code == 0, "npm ci and npm install in tests/interop failed: " + stderr + again);
                }
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = InteropFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A fact that needs node and npm on the PATH; skipped, saying so, where they are missing.</summary>
internal sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Skip = "needs node and npm on the PATH (DuckDB from npm is the independent Parquet reader)";
        }
    }

    private static bool OnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, program)) || File.Exists(Path.Combine(folder, program + ".cmd")) || File.Exists(Path.Combine(folder, program + ".exe")))
            {
                return true;
            }
        }

        return false;
    }
}
