using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PcfgLab.Compression;
using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab generate</c>: sample a dataset of token documents from a PCFG into Parquet shards.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var nonterminals = new Option<int?>("--nonterminals") { Description = "Random grammar: number of nonterminals." };
        var terminals = new Option<int?>("--terminals") { Description = "Random grammar: number of terminals." };
        var maxOptions = new Option<int?>("--max-options") { Description = "Random grammar: most right-hand sides per nonterminal." };
        var maxLength = new Option<int?>("--max-length") { Description = "Random grammar: longest right-hand side." };
        var grammarFile = new Option<string?>("--grammar") { Description = "Grammar file in NLTK's PCFG format (instead of the four sizes)." };
        var preset = new Option<string?>("--preset", "-p") { Description = "Named grammar spec, for example gzipscale-0.35 or 20_300_10_5." };
        var seed = SeedOption.Create("Seed of the grammar (for sizes or a preset) and of the documents.");
        var tokens = new Option<string>("--tokens") { Description = "Tokens to generate: 500k, 10M, 1B (documents = ceil(tokens / doc length)).", Required = true };
        var documentLength = new Option<int>("--doc-len") { Description = "Tokens per document.", DefaultValueFactory = _ => DocumentSampler.DefaultDocumentLength };
        var threads = new Option<int>("--threads") { Description = "Worker threads (the files do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out", "-o") { Description = "Dataset folder.", Required = true };
        var compat = new Option<string>("--compat") { Description = "fast (parallel, renormalised grammar) or reference (the study's code bit for bit, single-threaded).", DefaultValueFactory = _ => "fast" };
        compat.AcceptOnlyFromAmong("fast", "reference");
        var codec = new Option<string>("--codec") { Description = "Parquet codec: snappy, zstd or none.", DefaultValueFactory = _ => "snappy" };
        codec.AcceptOnlyFromAmong("snappy", "zstd", "none");
        var zstdLevel = new Option<int>("--zstd-level") { Description = "Zstandard level with --codec zstd: 1, 3 or 19.", DefaultValueFactory = _ => ParquetCompression.DefaultZstdLevel };
        var shards = new Option<int?>("--shards") { Description = "Number of shard files (default: one per 50M tokens)." };
        var shard = new Option<string?>("--shard") { Description = "Write only shard i of an n-way split, as i/n (0-based): one job of a batch array." };
        var rowGroup = new Option<int>("--row-group-docs") { Description = "Documents per Parquet row group (default: 8192 for 256-token documents)." };
        var gzipDocs = new Option<int>("--gzip-docs") { Description = "Documents in the gzip sample.", DefaultValueFactory = _ => GzipSample.DefaultDocuments };
        var gzipSeed = new Option<ulong>("--gzip-seed") { Description = "Seed of the gzip sample.", DefaultValueFactory = _ => GzipSample.DefaultSeed };
        var floorDocs = new Option<int>("--floor-docs") { Description = "Documents of the loss floor recorded in dataset.json (0: skip it).", DefaultValueFactory = _ => PcfgLab.Floor.LossFloor.DefaultDocuments };
        var floorSentences = new Option<int>("--floor-sentences") { Description = "Sentences of the entropy-rate estimate recorded with the floor.", DefaultValueFactory = _ => PcfgLab.Floor.EntropyRate.DefaultSentences };
        var force = new Option<bool>("--force") { Description = "Replace a dataset already in the folder." };
        var ignoreFreeSpace = new Option<bool>("--ignore-free-space") { Description = "Generate even when the shards' estimated size exceeds the free space of the output's file system (the check refuses such runs before writing)." };
        var json = new Option<bool>("--json") { Description = "Print the manifest as one JSON document on stdout." };
        var npy = new Option<bool>("--npy") { Description = "Also write the documents as tokens.npy (what 'pcfglab export --format npy' writes), for trainers without pyarrow." };

        var dial = new DialCommandOptions();
        var command = new Command("generate", "Sample a dataset of token documents from a PCFG into Parquet shards, with a manifest and gzip statistics.");
        foreach (var option in new Option[]
                 {
                     nonterminals, terminals, maxOptions, maxLength, grammarFile, preset, seed, tokens, documentLength, threads, output,
                     compat, codec, zstdLevel, shards, shard, rowGroup, gzipDocs, gzipSeed, floorDocs, floorSentences, force, ignoreFreeSpace, json, npy,
                 })
        {
            command.Options.Add(option);
        }

        dial.AddTo(command, targetRequired: false);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var profile = parse.GetValue(compat) == "reference" ? GenerationProfile.Reference : GenerationProfile.Fast;
            var seedValue = parse.GetValue(seed);

            // Checked before the dial's search or the grammar's analysis, so that a bad length fails at once.
            DatasetLayout.ValidateDocumentLength(parse.GetValue(documentLength));
            var tokenCount = CountFormat.Parse(parse.GetValue(tokens)!, "--tokens");
            var deflate = dial.ReadDeflate(parse);
            var dialOptions = parse.GetValue(dial.Target) is null ? null : dial.Read(
                parse, parse.GetValue(terminals), seedValue, parse.GetValue(documentLength),
                DialSample.ForDataset(tokenCount, parse.GetValue(documentLength), parse.GetValue(gzipDocs), parse.GetValue(gzipSeed)));

            // The dial picks the grammar; --terminals alone may fix its vocabulary.
            if (dialOptions is not null && (parse.GetValue(nonterminals) is not null || parse.GetValue(maxOptions) is not null || parse.GetValue(maxLength) is not null
                || parse.GetValue(grammarFile) is not null || parse.GetValue(preset) is not null || profile == GenerationProfile.Reference))
            {
                throw new UserInputException("--target-gzip chooses the grammar: drop --nonterminals/--max-options/--max-length/--preset/--grammar/--compat reference (use the --*-range bounds and --terminals).");
            }

            var (shardIndex, shardCount) = ParseShard(parse.GetValue(shard), parse.GetValue(shards));
            var request = new GenerateRequest
            {
                // The reference profile samples the reference's own grammar: terminal ids from 0.
                Grammar = dialOptions is not null ? null : new GrammarSource
                {
                    File = parse.GetValue(grammarFile), Preset = parse.GetValue(preset), Nonterminals = parse.GetValue(nonterminals), Terminals = parse.GetValue(terminals),
                    MaxOptions = parse.GetValue(maxOptions), MaxLength = parse.GetValue(maxLength), Seed = seedValue,
                    FirstTerminalId = profile == GenerationProfile.Reference ? 0 : RandomGrammarBuilder.DefaultFirstTerminalId,
                },
                Dial = dialOptions,
                Npy = parse.GetValue(npy),
                Options = new GenerationOptions
                {
                    OutputFolder = parse.GetValue(output)!, Tokens = tokenCount, Seed = seedValue, DocumentLength = parse.GetValue(documentLength), Profile = profile,
                    Compression = ParquetCompression.Parse(parse.GetValue(codec)!, parse.GetValue(zstdLevel)), ShardCount = shardCount, ShardIndex = shardIndex,
                    RowGroupDocuments = parse.GetValue(rowGroup), Threads = UsefulThreads(parse.GetValue(threads), context),
                    GzipDocuments = parse.GetValue(gzipDocs), GzipSeed = parse.GetValue(gzipSeed), FloorDocuments = parse.GetValue(floorDocs), FloorSentences = parse.GetValue(floorSentences),
                    Deflate = deflate, Force = parse.GetValue(force), IgnoreFreeSpace = parse.GetValue(ignoreFreeSpace),
                    // --ignore-free-space says nothing about the dataset: it is not recorded (the manifests stay as they were).
                    Parameters = Parameters(parse, command.Options.Where(o => o != ignoreFreeSpace)),
                    Owner = context.Owner("pcfglab generate"),
                    StaleFilesRemoved = (files, bytes) => context.CreateLogger("generate").LogInformation(
                        "removed {Count} temporary file(s) of earlier, killed runs from the folder ({Bytes}B)", files.Count, CountFormat.Format(bytes)),
                },
            };
            var manifest = await context.WithProgressAsync("generate", 1, progress =>
                DatasetGeneration.GenerateAsync(request, context.CreateLogger("generate"), progress, cancellationToken)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(manifest.ToJson()).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync(DatasetCommands.FormatTable([(request.Options.OutputFolder, manifest)])).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Caps --threads at the processors of this machine: more workers only wait for a core (1000 threads made 100k
    /// tokens take 36 s), and the files do not depend on the count. Says so on stderr when it caps.
    /// </summary>
    internal static int UsefulThreads(int requested, CliContext context)
    {
        var useful = DatasetGenerator.UsefulThreads(requested, Environment.ProcessorCount);
        if (useful != requested)
        {
            context.CreateLogger("generate").LogWarning("--threads {Requested} capped at {Useful}: this machine has {Processors} processors, and more threads only wait (the files are the same for any count).",
                requested, useful, Environment.ProcessorCount);
        }

        return useful;
    }

    internal static (int? Index, int? Count) ParseShard(string? shard, int? shards)
    {
        if (shard is null)
        {
            return (null, shards);
        }

        var parts = shard.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1)
        {
            throw new UserInputException($"--shard '{shard}' is not i/n: write the 0-based shard index and the shard count, for example 3/16.");
        }

        if (shards is not null && shards != count)
        {
            throw new UserInputException($"--shard {shard} and --shards {shards} disagree: give the same count, or only --shard.");
        }

        if (index >= count)
        {
            throw new UserInputException($"--shard {shard} is out of range: the index runs from 0 to {count - 1}.");
        }

        return (index, count);
    }

    private static Dictionary<string, string> Parameters(ParseResult parse, IEnumerable<Option> options)
    {
        // Every option that was given or has a default, by name without the dashes, in invariant text.
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            var found = parse.GetResult(option);
            if (found is null)
            {
                continue;
            }

            var value = found.Implicit
                ? Convert.ToString(option.GetDefaultValue(), CultureInfo.InvariantCulture) ?? string.Empty
                : string.Join(" ", found.Tokens.Select(t => t.Value));
            value = value is "True" or "False" ? value.ToLowerInvariant() : value;
            if (value.Length == 0 && !found.Implicit)
            {
                value = "true"; // a flag given without a value
            }

            result[option.Name.TrimStart('-')] = value;
        }

        return result;
    }
}
