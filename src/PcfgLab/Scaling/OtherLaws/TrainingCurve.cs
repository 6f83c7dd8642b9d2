namespace PcfgLab.Scaling;

/// <summary>One run's per-step training losses.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Parameters">Model parameters N.</param>
/// <param name="Tokens">Training tokens D of the whole run.</param>
/// <param name="TokensPerStep">Tokens per optimiser step (the tokens seen after step k are min(D, (k + 1) TokensPerStep)).</param>
/// <param name="Losses">Training loss of each step.</param>
public sealed record TrainingCurve(string Dataset, double Parameters, double Tokens, double TokensPerStep, IReadOnlyList<double> Losses);

/// <summary>Reads per-step training losses from run records (JSON Lines, as the sweep's trainer writes them).</summary>
public static class TrainingCurveReader
{
    /// <summary>
    /// Reads <c>train_losses</c> (or <c>train_loss</c>) lists with <c>N</c>, <c>D</c> and <c>tokens_per_step</c>
    /// (else D / the list's length) and the dataset (<c>dataset</c> or <c>dataset_name</c>).
    /// </summary>
    /// <exception cref="UserInputException">Not JSON Lines, or no record with a loss list.</exception>
    public static IReadOnlyList<TrainingCurve> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new UserInputException($"'{path}' does not exist");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".jsonl" or ".ndjson" or ".json"))
        {
            throw new UserInputException($"'{path}': Approach 1 reads run records with per-step losses as JSON Lines (.jsonl), as the sweep writes them");
        }

        var table = RunRecordReader.ReadJsonLines(File.ReadAllLines(path), path);
        var curves = new List<TrainingCurve>();
        foreach (var row in table.Rows)
        {
            var losses = (row.GetValueOrDefault("train_losses") ?? row.GetValueOrDefault("train_loss")) as double[];
            var n = Scalar(row, "N", "model_size", "params");
            var d = Scalar(row, "D", "token_ct", "tokens");
            if (losses is null || losses.Length == 0 || !(n > 0) || !(d > 0))
            {
                continue;
            }

            var perStep = Scalar(row, "tokens_per_step");
            var dataset = (row.GetValueOrDefault("dataset") ?? row.GetValueOrDefault("dataset_name")) as string ?? string.Empty;
            curves.Add(new TrainingCurve(dataset, n, d, perStep > 0 ? perStep : d / losses.Length, losses));
        }

        if (curves.Count == 0)
        {
            throw new UserInputException($"'{path}' has no record with per-step training losses (train_losses) and N and D; Approach 1 needs them");
        }

        return curves;
    }

    private static double Scalar(Dictionary<string, object?> row, params string[] names)
    {
        foreach (var name in names)
        {
            if (row.TryGetValue(name, out var value) && value is double d)
            {
                return d;
            }
        }

        return double.NaN;
    }
}
