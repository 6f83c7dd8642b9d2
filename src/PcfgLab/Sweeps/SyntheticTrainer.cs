using System.Diagnostics;
using System.Globalization;

namespace PcfgLab.Sweeps;

/// <summary>
/// A deterministic stand-in for training, for checks without a GPU or PyTorch: it writes the run record a
/// trainer would, with losses drawn from <see cref="SyntheticLaw"/> plus noise seeded by the cell, and labels it
/// <c>"device": "synthetic"</c> so that nobody mistakes it for a trained model.
/// </summary>
public sealed class SyntheticTrainer(SyntheticLaw law)
{
    /// <summary>The trainer's name in run records.</summary>
    public const string TrainerName = "pcfglab-synthetic";

    /// <summary>A synthetic trainer using <see cref="SyntheticLaw.Default"/>.</summary>
    public SyntheticTrainer()
        : this(SyntheticLaw.Default)
    {
    }

    /// <summary>The law the records follow.</summary>
    public SyntheticLaw Law => law;

    /// <summary>
    /// Writes a synthetic record for cell <paramref name="cellIndex"/> of the plan, or for every cell when it is null,
    /// appending to <paramref name="resultsPath"/>; cells that already have a record are skipped unless
    /// <paramref name="force"/>. Returns how many records were written.
    /// </summary>
    public int TrainPlan(string planPath, string resultsPath, int? cellIndex = null, bool force = false, CancellationToken cancellationToken = default)
    {
        var cells = SweepPlanner.Read(planPath);
        IReadOnlyList<PlanCell> selected = cellIndex is { } k ? [SweepPlanner.Cell(cells, k, planPath)] : cells;
        if (!force)
        {
            selected = SweepPlanner.Pending(selected, TrainingRecordStore.CompletedCells([resultsPath]));
        }

        var datasets = new Dictionary<string, DatasetInfo>(StringComparer.Ordinal);
        foreach (var cell in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = cell.ResolveDatasetPath(planPath);
            if (!datasets.TryGetValue(path, out var info))
            {
                info = DatasetInfo.Read(path);
                datasets[path] = info;
            }

            TrainingRecordStore.Append(resultsPath, Train(cell, info), cancellationToken);
        }

        return selected.Count;
    }

    /// <summary>
    /// Makes the record of <paramref name="cell"/>. H comes from <paramref name="dataset"/>'s manifest (else from the
    /// plan); E is the manifest's loss floor when it records one. The same cell always gives the same losses; only wall_seconds and finished_at vary.
    /// </summary>
    public TrainingRecord Train(PlanCell cell, DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(dataset);
        var clock = Stopwatch.StartNew();
        var h = dataset.GzipMedian ?? cell.GzipMedian
            ?? throw new UserInputException($"dataset '{dataset.Name}' records no gzip median: the synthetic trainer needs H; regenerate the dataset with `pcfglab generate`.");
        var random = new PythonRandom(NoiseSeed(cell.CellId, cell.Seed));
        var floor = dataset.Floor?.Nats;
        var target = law.Loss(h, cell.Parameters, cell.Tokens, floor);
        var valid = target * Math.Exp(law.NoiseStandardDeviation * Gaussian(random));

        var tokensPerStep = (long)cell.Training.BatchSize * cell.Training.Context;
        var steps = (int)Math.Max(1, (cell.Tokens * cell.Training.Epochs + tokensPerStep - 1) / tokensPerStep);
        var losses = new double[steps];
        for (var step = 0; step < steps; step++)
        {
            var seen = Math.Min((double)cell.Tokens * cell.Training.Epochs, (step + 1.0) * tokensPerStep);
            // Per-step batches are noisier than the validation loss; training loss sits slightly below it.
            losses[step] = Math.Round(law.Loss(h, cell.Parameters, seen, floor) * 0.99 * Math.Exp(4 * law.NoiseStandardDeviation * Gaussian(random)), 6);
        }

        var tail = Math.Max(1, Math.Min(steps, 10));
        double trainLoss = 0;
        for (var i = steps - tail; i < steps; i++)
        {
            trainLoss += losses[i];
        }

        return new TrainingRecord
        {
            CellId = cell.CellId,
            CellIndex = cell.Index,
            Dataset = cell.Dataset,
            GzipMedian = h,
            Parameters = cell.Parameters,
            Tokens = cell.Tokens,
            FinalTrainLoss = Math.Round(trainLoss / tail, 6),
            FinalValidLoss = Math.Round(valid, 6),
            TrainLosses = losses,
            WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 4),
            Device = TrainingRecord.SyntheticDevice,
            Seed = cell.Seed,
            Shape = cell.Shape,
            Trainer = TrainerName + " " + ToolInfo.Version,
            FinishedAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A seed for the cell's noise: FNV-1a of the cell identifier mixed with the training seed.</summary>
    internal static long NoiseSeed(string cellId, int seed)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in cellId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash ^= (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        return (long)(hash & long.MaxValue);
    }

    private static double Gaussian(PythonRandom random)
    {
        // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }
}
