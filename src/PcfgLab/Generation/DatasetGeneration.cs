using Microsoft.Extensions.Logging;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>What <see cref="DatasetGeneration.GenerateAsync"/> makes: the grammar (named, or searched by the dial) and the dataset's options.</summary>
public sealed record GenerateRequest
{
    /// <summary>The grammar to sample; ignored (and must be empty) when <see cref="Dial"/> chooses it.</summary>
    public GrammarSource? Grammar { get; init; }

    /// <summary>Search a grammar for a target gzip median instead (its entry is recorded in the manifest).</summary>
    public DialOptions? Dial { get; init; }

    /// <summary>The dataset's options (the folder, tokens, seed, profile, shards ...).</summary>
    public required GenerationOptions Options { get; init; }

    /// <summary>Also write the documents as tokens.npy (whole datasets only).</summary>
    public bool Npy { get; init; }
}

/// <summary>The front door of <c>pcfglab generate</c>: one request in, the dataset written and its manifest out.</summary>
public static class DatasetGeneration
{
    /// <summary>
    /// Checks the request, runs the dial when asked, plans the dataset once (every refusal before any file exists),
    /// writes it, and exports tokens.npy when asked. Logs each step.
    /// </summary>
    /// <param name="request">Grammar or dial, and options.</param>
    /// <param name="logger">Receives the dial's candidates and the run's summary lines; may be null.</param>
    /// <param name="progress">Receives increments of the fraction of tokens written (0 to 1 in all); may be null.</param>
    /// <param name="cancellationToken">Stops the work (the folder is left as it was).</param>
    /// <exception cref="UserInputException">The request is impossible or contradicts itself.</exception>
    public static async Task<DatasetManifest> GenerateAsync(GenerateRequest request, ILogger? logger = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var log = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var options = request.Options;
        if (request.Npy && options.ShardIndex is not null)
        {
            throw new UserInputException("--npy exports the whole dataset: run 'pcfglab export' after 'pcfglab dataset merge-manifests' instead of with --shard.");
        }

        DatasetGrammar grammar;
        if (request.Dial is { } dial)
        {
            var found = CompressibilityDial.Search(dial, log, cancellationToken);
            options = options with { Dial = found.ToEntry(dial) };
            grammar = new DatasetGrammar(found.Grammar, found.Spec, null, "dial");
        }
        else
        {
            grammar = (request.Grammar ?? throw new ArgumentException("A request needs a grammar or a dial.", nameof(request))).Resolve();
        }

        var plan = GenerationPlan.For(grammar, options);
        log.LogInformation("generating {Tokens} tokens of {Grammar} seed {Seed} ({Profile}) into {Folder}",
            CountFormat.Format(options.Tokens), grammar.Spec?.ToString() ?? grammar.Source, options.Seed, DatasetGenerator.ProfileName(options.Profile), options.OutputFolder);
        var tokens = progress is null ? null : new FractionProgress(progress, Math.Max(1.0, plan.Layout.Tokens));
        var manifest = await DatasetGenerator.GenerateAsync(plan, grammar, options, tokens, cancellationToken).ConfigureAwait(false);
        if (request.Npy)
        {
            await NpyTokenExport.ExportAsync(options.OutputFolder, cancellationToken).ConfigureAwait(false);
            manifest = DatasetManifest.Load(options.OutputFolder);
        }

        log.LogInformation("wrote {Documents} documents, {Tokens} tokens in {Shards} file(s) in {Seconds:0.00} s ({Speed} tokens/s); gzip median {Median:0.0000}, stdev {Stdev:0.0000}",
            manifest.Documents, manifest.Tokens, manifest.Shards.Count, manifest.GenerationSeconds, CountFormat.Format(manifest.TokensPerSecond),
            manifest.Gzip?.Median, manifest.Gzip?.Stdev);
        if (manifest.Floor is { } floor)
        {
            log.LogInformation("loss floor {Floor:0.0000} nats/token (95% {Lower:0.0000}-{Upper:0.0000}, {Documents} documents), entropy rate {Rate:0.0000} nats/token, in {Seconds:0.00} s",
                floor.Nats, floor.Lower95, floor.Upper95, floor.Documents, floor.EntropyRateNats, floor.Seconds);
        }

        return manifest;
    }

    private sealed class FractionProgress(IProgress<double> inner, double total) : IProgress<double>
    {
        public void Report(double value) => inner.Report(value / total);
    }
}
