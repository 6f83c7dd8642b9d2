using System.CommandLine;
using Microsoft.Extensions.Logging;
using PcfgLab.Storage;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab export DATASET --format npy</c>: the documents as a NumPy token matrix beside the shards.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder written by 'pcfglab generate'." };
        var format = new Option<string>("--format") { Description = "Export format: npy (documents x length, uint16 when ids fit, else int32).", DefaultValueFactory = _ => "npy" };
        var json = new Option<bool>("--json") { Description = "Print the export entry (as recorded in dataset.json) as JSON." };
        var command = new Command("export", "Write a dataset's documents in another format beside its shards (npy: read by numpy alone, without pyarrow).")
        {
            dataset, format, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(format) != "npy")
            {
                throw new UserInputException($"--format '{parse.GetValue(format)}' is not known: use npy.");
            }

            var entry = await NpyTokenExport.ExportAsync(parse.GetValue(dataset)!, cancellationToken).ConfigureAwait(false);
            context.CreateLogger("export").LogInformation("wrote {File}: {Documents} documents x {Width} tokens, dtype {DType}", entry.File, entry.Documents, entry.Width, entry.DType);
            await context.Output.WriteLineAsync(parse.GetValue(json)
                ? entry.ToJson()
                : Path.Combine(parse.GetValue(dataset)!, entry.File)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
