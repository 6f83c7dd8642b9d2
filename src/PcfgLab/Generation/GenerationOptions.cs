using PcfgLab.Compression;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>What to generate and where.</summary>
public sealed record GenerationOptions
{
    /// <summary>The dataset folder (created when missing).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Tokens wanted: the dataset holds ceil(tokens / document length) documents.</summary>
    public required long Tokens { get; init; }

    /// <summary>Seed of the documents (and of the grammar, for a spec).</summary>
    public Seed Seed { get; init; }

    /// <summary>Tokens per document.</summary>
    public int DocumentLength { get; init; } = DocumentSampler.DefaultDocumentLength;

    /// <summary>Fast or reference sampling.</summary>
    public GenerationProfile Profile { get; init; } = GenerationProfile.Fast;

    /// <summary>Parquet page codec.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Default;

    /// <summary>Shard files of the whole dataset, or null for the default from the token count.</summary>
    public int? ShardCount { get; init; }

    /// <summary>Write only this shard of <see cref="ShardCount"/> (a split run), or null for all.</summary>
    public int? ShardIndex { get; init; }

    /// <summary>Documents per row group, or 0 for the default.</summary>
    public int RowGroupDocuments { get; init; }

    /// <summary>Worker threads (the files do not depend on it).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Documents in the gzip sample.</summary>
    public int GzipDocuments { get; init; } = GzipSample.DefaultDocuments;

    /// <summary>Seed of the gzip sample.</summary>
    public ulong GzipSeed { get; init; } = GzipSample.DefaultSeed;

    /// <summary>Documents of the loss floor recorded in the manifest, or 0 to skip it (see <see cref="PcfgLab.Floor.FloorAnalysis"/>).</summary>
    public int FloorDocuments { get; init; } = PcfgLab.Floor.LossFloor.DefaultDocuments;

    /// <summary>Sentences of the entropy-rate estimate recorded with the floor.</summary>
    public int FloorSentences { get; init; } = PcfgLab.Floor.EntropyRate.DefaultSentences;

    /// <summary>Deflate implementation of the gzip sample (recorded in the manifest).</summary>
    public DeflateImplementation Deflate { get; init; } = DeflateImplementation.ZlibNg;

    /// <summary>Replace a dataset already in the folder.</summary>
    public bool Force { get; init; }

    /// <summary>Generate even when the shards' estimated size exceeds the output file system's free space.</summary>
    public bool IgnoreFreeSpace { get; init; }

    /// <summary>The command's parameters, recorded in the manifest.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The compressibility dial's search that chose the grammar, recorded in the manifest; null otherwise.</summary>
    public DialEntry? Dial { get; init; }

    /// <summary>Who is writing, quoted to a second run that finds the folder locked (the command line adds its process id).</summary>
    public string Owner { get; init; } = "pcfglab generate";

    /// <summary>Told about the temporary files of earlier, killed runs removed from the folder (paths and total bytes); may be null.</summary>
    public Action<IReadOnlyList<string>, long>? StaleFilesRemoved { get; init; }
}
