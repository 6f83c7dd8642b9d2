using System.Security.Cryptography;
using System.Text;
using PcfgLab.Floor;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// The loss floor of a dataset folder written by <c>pcfglab generate</c>: its manifest names the grammar copy, the seed
/// and the document length, and documents 0..N-1 are sampled again exactly as the generator wrote them.
/// </summary>
public static class DatasetFloor
{
    /// <summary>
    /// The front door of <c>pcfglab floor</c>: the floor and entropy rate of documents 0..N-1 sampled again, or the floor
    /// of the named documents read from the shards, timed.
    /// </summary>
    /// <param name="request">Dataset, documents, sentences and threads.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="UserInputException">The folder is no dataset, its grammar copy was changed, it was made with the
    /// reference profile, or the document list is malformed or outside it.</exception>
    public static Task<FloorMeasurement> MeasureAsync(FloorRequest request, CancellationToken cancellationToken = default) =>
        FloorMeasurement.MeasureAsync(request, cancellationToken);

    /// <summary>Reads the dataset's manifest and grammar and computes its floor and entropy rate.</summary>
    /// <param name="folder">The dataset folder (or its dataset.json).</param>
    /// <param name="documents">Documents of the document-level floor.</param>
    /// <param name="sentences">Sentences of the entropy-rate estimate.</param>
    /// <param name="threads">Worker threads; the result does not depend on them.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="UserInputException">The folder is no dataset, its grammar copy was changed, or it was made with the
    /// reference profile.</exception>
    public static (DatasetManifest Manifest, FloorSummary Summary) Measure(
        string folder,
        int documents = LossFloor.DefaultDocuments,
        int sentences = EntropyRate.DefaultSentences,
        int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var (manifest, _, grammar) = LoadGrammar(folder);
        if (documents < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("documents")} must be positive, got {documents}.");
        }

        var summary = FloorAnalysis.Analyze(
            CompiledGrammar.Renormalised(grammar), manifest.Seed.ForStreams, manifest.DocumentLength, documents, sentences, threads, cancellationToken);
        return (manifest, summary);
    }

    /// <summary>
    /// The floor of the dataset documents <paramref name="documents"/> (indices, in any order; duplicates counted
    /// once), read from the folder's Parquet shards exactly as the trainer read them, each scored with the dataset's
    /// grammar: the floor of a run's own validation documents (<see cref="Sweeps.TrainingRecord.ValidDocumentIndices"/>).
    /// </summary>
    /// <param name="folder">The dataset folder (or its dataset.json).</param>
    /// <param name="documents">Dataset document indices (rows of the shards, in order, from 0); errors call them documentIndices.</param>
    /// <param name="threads">Worker threads; the result does not depend on them.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="UserInputException">The folder is no dataset, its grammar copy was changed, it was made with
    /// the reference profile, or an index is outside it.</exception>
    public static async Task<DocumentFloor> MeasureDocumentsAsync(
        string folder,
        IEnumerable<long> documents,
        int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(documents);
        var (manifest, root, grammar) = LoadGrammar(folder);
        var indices = documents.Distinct().Order().ToArray();
        if (indices.Length == 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("documentIndices")} names no document: give at least one index.");
        }

        if (indices[0] < 0 || (manifest.Documents > 0 && indices[^1] >= manifest.Documents))
        {
            throw UserInputException.ForParameters(
                $"{new Parameter("documentIndices")} must lie in 0..{manifest.Documents - 1} (the dataset's documents), got {(indices[0] < 0 ? indices[0] : indices[^1])}.");
        }

        LossFloor.ValidateDocuments(indices.Length, "documentIndices");
        var reader = ParquetDatasetReader.Open(root);
        var tokens = await reader.ReadDocumentsAtAsync(indices, cancellationToken).ConfigureAwait(false);
        return PairedFloor.Measure(PrefixGrammar.Build(CompiledGrammar.Renormalised(grammar)), indices, tokens, threads, cancellationToken);
    }

    /// <summary>The manifest, the folder and the grammar copy (checked against its SHA-256) of a dataset.</summary>
    private static (DatasetManifest Manifest, string Root, Grammar Grammar) LoadGrammar(string folder)
    {
        var manifest = DatasetManifest.Load(folder);
        var root = Directory.Exists(folder) ? folder : Path.GetDirectoryName(Path.GetFullPath(folder))!;
        if (manifest.Profile == DatasetGenerator.ProfileName(GenerationProfile.Reference))
        {
            throw UserInputException.ForParameters($"'{folder}' was made with {new Parameter("Profile")} reference, whose documents (terminal 0 doubling as the separator, 255/256-token packing) have no floor here: regenerate it with the default profile.");
        }

        var grammarPath = Path.Combine(root, manifest.GrammarFile);
        if (!File.Exists(grammarPath))
        {
            throw new UserInputException($"'{grammarPath}' is missing: the floor needs the dataset's grammar copy; regenerate the dataset.");
        }

        var text = File.ReadAllText(grammarPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (manifest.GrammarSha256.Length > 0 && !string.Equals(hash, manifest.GrammarSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"'{grammarPath}' does not match the SHA-256 in {DatasetManifest.FileName}: it was changed after generation; restore it or regenerate the dataset.");
        }

        return (manifest, root, NltkGrammarFormat.Read(new StringReader(text), grammarPath));
    }
}
