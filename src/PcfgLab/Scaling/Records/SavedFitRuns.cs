using Microsoft.Extensions.Logging;

namespace PcfgLab.Scaling;

/// <summary>
/// The runs a saved fit was made from, read again from its recorded input file with its recorded column options
/// and drop-worst (the saved fit's typed Columns and DropWorst; the options block of older fits) (for intervals that need the data, such as <see cref="PredictionIntervals"/>).
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
        var (map, drop) = document.Columns is { } columns ? (columns, document.DropWorst) : FromFlags(document.Options);
        var input = document.Inputs[0];
        if (!File.Exists(input))
        {
            throw new UserInputException($"'{path}' was fitted to '{input}', which no longer exists; refit, or keep the runs beside the fit");
        }

        var runs = await RunRecordReader.ReadAsync(input, map, logger, cancellationToken).ConfigureAwait(false);
        var kept = document.GroupedBy is null ? runs.ToList() : runs.Where(r => r.Dataset == fit.Dataset).ToList();
        if (drop > 0 && drop < kept.Count)
        {
            // As the fit pipeline drops them: the highest losses, ties to the later row.
            kept = ScalingFitPipeline.WithoutWorst(kept, drop);
        }

        return kept;
    }

    /// <summary>
    /// The column map and drop-worst of a fit saved before they were recorded as typed fields: read from its options
    /// block, where each flag is recorded under the name it had then (--loss-column, or --loss before the column
    /// flags were named as columns). Kept so that older saved fits still give intervals.
    /// </summary>
    private static (RunColumnMap Map, int DropWorst) FromFlags(IReadOnlyDictionary<string, string> o)
    {
        string? Get(string key) => o.TryGetValue(key, out var v) ? v : null;
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
        return (map, int.TryParse(Get("--drop-worst"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var drop) ? drop : 0);
    }
}
