using BenchmarkDotNet.Attributes;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Benchmarks;

/// <summary>
/// The Parquet side of <c>pcfglab generate</c>: writing pre-sampled row groups of 8192 documents of 256 tokens
/// (16.8M tokens a file) with each codec, and the whole generator (sampling, writing, gzip sample, manifest) on
/// (20,300,10,5) seed 1 for 16.8M tokens with one and two threads.
/// Run: dotnet run -c Release --project bench/PcfgLab.Benchmarks -- --filter '*ParquetWriterBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class ParquetWriterBenchmarks
{
    private const int RowGroupDocuments = 8192;
    private const int DocumentLength = 256;
    private const int RowGroups = 8;
    private int[] _tokens = [];
    private DirectoryInfo? _folder;

    /// <summary>Parquet codec.</summary>
    [Params("snappy", "zstd", "none")]
    public string Codec { get; set; } = "snappy";

    [GlobalSetup]
    public void Setup()
    {
        var grammar = CompiledGrammar.Renormalised(RandomGrammarBuilder.Build(new GrammarSpec(20, 300, 10, 5), 1));
        _tokens = new int[RowGroupDocuments * DocumentLength];
        new DocumentSampler(grammar, 1, DocumentLength).SampleDocuments(0, RowGroupDocuments, _tokens);
        _folder = Directory.CreateTempSubdirectory("pcfglab-bench-");
    }

    [GlobalCleanup]
    public void Cleanup() => _folder?.Delete(recursive: true);

    /// <summary>Writes 8 row groups (16.8M tokens) to one file and commits it.</summary>
    [Benchmark]
    public async Task<long> WriteRowGroups()
    {
        var path = Path.Combine(_folder!.FullName, "bench.parquet");
        await using var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Parse(Codec));
        for (var g = 0; g < RowGroups; g++)
        {
            await writer.WriteRowGroupAsync(_tokens, DocumentLength);
        }

        return await writer.CompleteAsync();
    }

    /// <summary>The whole generator for 16.8M tokens in two shards, on <paramref name="threads"/> threads.</summary>
    [Benchmark]
    [Arguments(1)]
    [Arguments(2)]
    public async Task<long> Generate(int threads)
    {
        var spec = new GrammarSpec(20, 300, 10, 5);
        var manifest = await DatasetGenerator.GenerateAsync(
            new DatasetGrammar(RandomGrammarBuilder.Build(spec, 1), spec, null, "spec"),
            new GenerationOptions
            {
                OutputFolder = Path.Combine(_folder!.FullName, "ds"),
                Tokens = (long)RowGroups * RowGroupDocuments * DocumentLength,
                Seed = new(1),
                ShardCount = 2,
                Threads = threads,
                Compression = ParquetCompression.Parse(Codec),
                Force = true,
            });
        return manifest.Tokens;
    }
}
