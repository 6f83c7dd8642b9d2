using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PcfgLab.Compression;
using PcfgLab.Storage;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab gzip DATASET</c>: the study's gzip compressibility of a Parquet dataset.</summary>
internal static class GzipCommand
{
    public static Command Create(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "A dataset folder of *.parquet files, or one Parquet file." };
        var documents = new Option<int>("--docs") { Description = "Documents in the sample.", DefaultValueFactory = _ => GzipSample.DefaultDocuments };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sample (the default gives the numbers of dataset.json).", DefaultValueFactory = _ => GzipSample.DefaultSeed };
        var column = new Option<string>("--column") { Description = "The integer-list column holding the tokens.", DefaultValueFactory = _ => ParquetDatasetWriter.TokenColumn };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("gzip", "Median and spread of the gzip compressibility (level 9, 4-byte big-endian tokens) of a seeded sample of documents.");
        command.Arguments.Add(dataset);
        command.Options.Add(documents);
        command.Options.Add(seed);
        command.Options.Add(column);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(documents);
            if (count < 1)
            {
                throw new UserInputException($"--docs must be positive, got {count}.");
            }

            var path = parse.GetValue(dataset)!;
            var reader = ParquetDatasetReader.Open(path, parse.GetValue(column)!);
            var statistics = await GzipSample.MeasureParquetAsync(reader, count, parse.GetValue(seed), cancellationToken).ConfigureAwait(false);
            var s = statistics.Summary;
            if (parse.GetValue(json))
            {
                var document = new GzipReport(ToolInfo.Name, ToolInfo.Version, path, s.Median, s.StandardDeviation, s.Mean, s.P05, s.P95, s.Min, s.Max, s.Count, statistics.Population, statistics.SampleSeed, statistics.Source);
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(document, GzipJsonContext.Default.GzipReport)).ConfigureAwait(false);
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                await context.Output.WriteLineAsync(string.Create(c,
                    $"{path}: gzip median {s.Median:0.0000}, stdev {s.StandardDeviation:0.0000}, mean {s.Mean:0.0000}, p05 {s.P05:0.0000}, p95 {s.P95:0.0000} over {s.Count} of {statistics.Population} documents (seed {statistics.SampleSeed})")).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}

/// <summary>The JSON document of <c>pcfglab gzip --json</c>.</summary>
internal sealed record GzipReport(
    string Tool, string Version, string Dataset, double Median, double Stdev, double Mean, double P05, double P95,
    double Min, double Max, int Count, long Documents, ulong Seed, string Source);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GzipReport))]
internal sealed partial class GzipJsonContext : JsonSerializerContext;
