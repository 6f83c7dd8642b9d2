using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PcfgLab.Sweeps;

/// <summary>
/// Turns a <see cref="SweepSpec"/> into training cells (dataset x shape x budget x seed, in that order) and reads
/// and writes plan files. The plan is deterministic: the same spec and datasets give the same file, byte for byte.
/// It is resumable: <see cref="Pending"/> drops the cells that already have a run record.
/// </summary>
public static class SweepPlanner
{
    /// <summary>
    /// Plans every cell of <paramref name="spec"/>. Dataset paths are written relative to
    /// <paramref name="planFolder"/> (where the plan file goes) so that the plan and the data can move together.
    /// Throws <see cref="UserInputException"/> when a dataset is missing or too small for a budget.
    /// </summary>
    public static IReadOnlyList<PlanCell> Plan(SweepSpec spec, string planFolder)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var cells = new List<PlanCell>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var datasetPath in spec.Datasets)
        {
            var dataset = DatasetInfo.Read(datasetPath);
            var vocabulary = spec.Vocabulary ?? dataset.Vocabulary
                ?? throw new UserInputException($"dataset '{datasetPath}' does not record its vocabulary (max token id + 1): give the sweep a number for \"vocabulary\".");
            if (dataset.Vocabulary is { } needed && vocabulary < needed)
            {
                throw new UserInputException($"vocabulary {vocabulary} is smaller than dataset '{dataset.Name}' needs ({needed}): raise it or use \"grammar\".");
            }

            if (!seen.Add(dataset.Name))
            {
                throw new UserInputException($"two datasets are named '{dataset.Name}': give each dataset of a sweep its own name.");
            }

            var trainingTokens = dataset.Tokens is { } total ? (long)Math.Floor(total * (1 - spec.Training.ValidationFraction)) : (long?)null;
            var relative = Path.GetRelativePath(Path.GetFullPath(planFolder), Path.GetFullPath(datasetPath)).Replace('\\', '/');
            foreach (var shape in spec.Shapes)
            {
                var parameters = shape.ParameterCount(vocabulary);
                foreach (var tokens in spec.Tokens)
                {
                    if (trainingTokens is { } available && tokens > available)
                    {
                        throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                            $"dataset '{dataset.Name}' has {available} training tokens (after the {spec.Training.ValidationFraction:P0} validation split), fewer than the budget {tokens}: generate more tokens or lower the budget."));
                    }

                    foreach (var seed in spec.Seeds)
                    {
                        cells.Add(new PlanCell
                        {
                            Index = cells.Count,
                            CellId = PlanCell.MakeId(dataset.Name, shape, tokens, seed),
                            Dataset = dataset.Name,
                            DatasetPath = relative,
                            GzipMedian = dataset.GzipMedian,
                            Tokens = tokens,
                            Shape = shape,
                            Vocabulary = vocabulary,
                            Parameters = parameters,
                            Compute = 6.0 * parameters * tokens,
                            Seed = seed,
                            Training = spec.Training.ForShape(shape),
                        });
                    }
                }
            }
        }

        return cells;
    }

    /// <summary>The cells of <paramref name="plan"/> whose identifier is not among <paramref name="completedCellIds"/>, in plan order.</summary>
    public static IReadOnlyList<PlanCell> Pending(IReadOnlyList<PlanCell> plan, IReadOnlySet<string> completedCellIds)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(completedCellIds);
        return plan.Where(c => !completedCellIds.Contains(c.CellId)).ToArray();
    }

    /// <summary>Renumbers <paramref name="cells"/> 0, 1, 2, ... (for a plan file holding only pending cells).</summary>
    public static IReadOnlyList<PlanCell> Renumber(IReadOnlyList<PlanCell> cells) =>
        cells.Select((c, i) => c with { Index = i }).ToArray();

    /// <summary>Writes <paramref name="cells"/> as JSON Lines to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IReadOnlyList<PlanCell> cells)
    {
        var text = new StringBuilder();
        foreach (var cell in cells)
        {
            text.Append(JsonSerializer.Serialize(cell, SweepJson.Default.PlanCell)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a plan file; throws <see cref="UserInputException"/> when it is missing, and <see cref="InvalidDataException"/> when a line is malformed or out of order.</summary>
    public static IReadOnlyList<PlanCell> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"plan '{path}' does not exist: write it with `pcfglab sweep plan`.");
        }

        var cells = JsonLinesFile.ReadAll(path, SweepJson.Default.PlanCell);
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i].Index != i)
            {
                throw new InvalidDataException($"{path}: line {i + 1} has index {cells[i].Index}, expected {i}: rewrite the plan with `pcfglab sweep plan`.");
            }
        }

        return cells;
    }

    /// <summary>Selects cell <paramref name="index"/> of <paramref name="plan"/>, or throws <see cref="UserInputException"/>.</summary>
    public static PlanCell Cell(IReadOnlyList<PlanCell> plan, int index, string planPath) =>
        index >= 0 && index < plan.Count
            ? plan[index]
            : throw new UserInputException($"cell {index} is not in plan '{planPath}', which has cells 0..{plan.Count - 1}.");
}
