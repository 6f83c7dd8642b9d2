using Microsoft.Extensions.Logging;

namespace PcfgLab.Scaling;

/// <summary>
/// The runs a saved fit was made from, read again from its recorded input file with its recorded column options
/// and --drop-worst (for intervals that need the data, such as <see cref="PredictionIntervals"/>).
/// </summary>
public static class SavedFitRuns
{
    /// <summary>Reads the runs behind the fit of <paramref name="dataset"/> (or the only fit) in the saved fit <paramref name="path"/>.</summary>
    /// <exception cref="UserInputException">Not a saved fit with its input, the input is gone, or an unknown dataset.</exception>
    public static async Task<IReadOnlyList<FitRun>> LoadAsync(string path, string? dataset, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var document = ScalingFitDocument.Load(path);
        if (document.Inputs.Count != 1)
        {
            throw new UserInputException($"'{path}' does not record the one input file it was fitted to; save the fit with 'pcfglab fit --out' to get intervals");
        }

        var names = string.Join(", ", document.Fits.Select(f => f.Dataset));
        var fit = dataset is null
            ? document.Fits.Count == 1 ? document.Fits[0] : throw UserInputException.ForParameters($"'{path}' holds {document.Fits.Count} fits; choose one with {new Parameter("dataset")} ({names})")
            : document.Fits.FirstOrDefault(f => f.Dataset == dataset) ?? throw new UserInputException($"'{path}' has no dataset '{dataset}' (datasets: {names})");
        var o = document.Options;
        string? Get(string key) => o.TryGetValue(key, out var v) ? v : null;

        // A column flag is recorded under the name it had when the fit was saved: --loss-column, or --loss before
        // the column flags were named as columns.
        string? Column(string name) => Get($"--{name}-column") ?? Get($"--{name}");
        var loss = Column("loss");
        var map = new RunColumnMap
        {
            Parameters = Column("n"),
            Tokens = Column("tokens"),
            Flops = Column("flops"),
            Dataset = Get("--by") ?? Column("dataset"),
            Compressibility = Get("--h-column") ?? Get("--gzip"),
            Loss = loss is "valid" or "train-tail" ? null : loss,
            FinalLoss = loss switch { "valid" => FinalLossChoice.Valid, "train-tail" => FinalLossChoice.TrainTail, _ => FinalLossChoice.Auto },
            TrainTailCount = int.TryParse(Get("--train-tail"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var k) ? k : 10,
        };
        var input = document.Inputs[0];
        if (!File.Exists(input))
        {
            throw new UserInputException($"'{path}' was fitted to '{input}', which no longer exists; refit, or keep the runs beside the fit");
        }

        var runs = await RunRecordReader.ReadAsync(input, map, logger, cancellationToken).ConfigureAwait(false);
        var kept = document.GroupedBy is null ? runs.ToList() : runs.Where(r => r.Dataset == fit.Dataset).ToList();
        if (int.TryParse(Get("--drop-worst"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var drop) && drop > 0 && drop < kept.Count)
        {
            // As the fit pipeline drops them: the highest losses, ties to the later row.
            kept = [.. kept.OrderBy(r => r.Loss).ThenBy(r => r.Row).Take(kept.Count - drop).OrderBy(r => r.Row)];
        }

        return kept;
    }
}
