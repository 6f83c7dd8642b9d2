using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PcfgLab.Grammars;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Generates a dataset: shard files of documents, a copy of the grammar, gzip statistics and the manifest.
/// Everything is written under temporary names and renamed at the end; a failure or a cancellation deletes what
/// was written and leaves the folder as it was. The steps have classes of their own: <see cref="GenerationPlan"/>
/// checks and lays out the request, <see cref="DatasetFolderPolicy"/> decides what may happen to the folder,
/// <see cref="FastProfileWriter"/> and <see cref="ReferenceProfileWriter"/> write the shards, and
/// <see cref="ManifestAssembler"/> describes the result.
/// </summary>
public static class DatasetGenerator
{
    /// <summary>Generates the dataset and returns its manifest (also saved in the folder).</summary>
    public static async Task<DatasetManifest> GenerateAsync(
        DatasetGrammar grammar,
        GenerationOptions options,
        IProgress<double>? progress = null,
        CancellationToken cancellationToken = default) =>
        await GenerateAsync(GenerationPlan.For(grammar, options), grammar, options, progress, cancellationToken).ConfigureAwait(false);

    /// <summary>Generates the dataset of a plan already made (and checked) for <paramref name="grammar"/> and <paramref name="options"/>.</summary>
    internal static async Task<DatasetManifest> GenerateAsync(
        GenerationPlan plan,
        DatasetGrammar grammar,
        GenerationOptions options,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        var analysis = GrammarAnalysis.Analyze(grammar.Grammar);
        var grammarText = GrammarText(grammar.Grammar);
        var grammarHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(grammarText)));

        // Before the folder is made: a request that cannot fit leaves nothing behind.
        FreeSpaceCheck.Ensure(plan, options, options.OutputFolder);

        // Held until the manifest is written.
        using var folderLock = DatasetFolderPolicy.Acquire(options, plan.Layout);
        var folder = folderLock.Folder;
        var footer = new ShardFooter(options, grammar, grammarHash, plan.Layout);
        var writers = new List<ParquetDatasetWriter>();
        ProfileResult result;
        try
        {
            result = options.Profile == GenerationProfile.Fast
                ? await FastProfileWriter.WriteAsync(plan, options, folder, footer, writers, progress, cancellationToken).ConfigureAwait(false)
                : await ReferenceProfileWriter.WriteAsync(grammar.Spec!, options, plan.Layout, folder, footer, writers, progress, cancellationToken).ConfigureAwait(false);

            // Commit: shards first, then the grammar and the card, the manifest last (its presence marks a complete dataset).
            DatasetFolderPolicy.RemoveStaleFiles(folder, options, plan.Layout);
            foreach (var writer in writers)
            {
                writer.Commit();
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        AtomicFile.WriteAllText(Path.Combine(folder, DatasetManifest.GrammarFileName), grammarText);
        var manifest = ManifestAssembler.Assemble(grammar, options, plan, analysis, grammarHash, writers, result);
        if (options.ShardIndex is null)
        {
            // A split run's card is written by the merge, which knows the whole dataset.
            DatasetCard.Save(folder, manifest);
        }

        manifest.Save(Path.Combine(folder, ManifestAssembler.FileName(options, plan.Layout)));
        return manifest;
    }

    /// <summary>
    /// Checks everything that can be wrong with the request before any file exists (sizes, shards, codec, profile,
    /// q_S = 0) and returns the layout; throws <see cref="UserInputException"/> with a one-line message.
    /// </summary>
    public static DatasetLayout Validate(DatasetGrammar grammar, GenerationOptions options) => GenerationPlan.For(grammar, options).Layout;

    /// <summary>
    /// The worker threads worth starting: at most <paramref name="processors"/>, because the work is CPU-bound and
    /// extra workers only wait for a core (and hold a row-group buffer each). Values below 1 are returned as they
    /// are, for <see cref="Validate"/> to refuse.
    /// </summary>
    /// <param name="requested">The thread count asked for.</param>
    /// <param name="processors">Processors available to this process.</param>
    public static int UsefulThreads(int requested, int processors) =>
        requested < 1 ? requested : Math.Min(requested, Math.Max(1, processors));

    /// <summary>The manifest's profile name.</summary>
    public static string ProfileName(GenerationProfile profile) => profile == GenerationProfile.Reference ? "reference" : "fast";

    /// <summary>The grammar in NLTK text form, as copied into the dataset folder.</summary>
    internal static string GrammarText(Grammar grammar)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        NltkGrammarFormat.Write(grammar, writer);
        return writer.ToString();
    }
}
