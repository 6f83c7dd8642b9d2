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
    public static IReadOnlyList<PlanCell> Plan(SweepSpec spec, string planFolder) => Plan(spec, planFolder, pilot: false);

    /// <summary>
    /// Plans the pilot of <paramref name="spec"/>: for each dataset, the corner cells of its group's grid (smallest and
    /// largest shape at smallest and largest budget, first seed) and its learning-rate scan. The pilot's cells have
    /// the grid's identifiers and settings, so their records count as done when the whole grid is planned.
    /// </summary>
    public static IReadOnlyList<PlanCell> Pilot(SweepSpec spec, string planFolder) => Plan(spec, planFolder, pilot: true);

    private static IReadOnlyList<PlanCell> Plan(SweepSpec spec, string planFolder, bool pilot)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var cells = new List<PlanCell>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in spec.PlannedGroups)
        {
            foreach (var datasetPath in group.Datasets)
            {
                PlanDataset(spec, group, datasetPath, planFolder, pilot, seen, cells);
            }
        }

        return cells;
    }

    private static void PlanDataset(SweepSpec spec, SweepGroup group, string datasetPath, string planFolder, bool pilot, HashSet<string> seen, List<PlanCell> cells)
    {
        var dataset = DatasetInfo.Read(datasetPath);
        var vocabulary = spec.Vocabulary ?? dataset.Vocabulary
            ?? throw new UserInputException($"dataset '{datasetPath}' does not record its vocabulary (max token id + 1): give the sweep a number for \"vocabulary\".");
        if (dataset.Vocabulary is { } needed && vocabulary < needed)
        {
            throw new UserInputException($"vocabulary {vocabulary} is smaller than dataset '{dataset.Name}' needs ({needed}): raise it or use \"grammar\".");
        }

        if (dataset.Name.Any(char.IsControl))
        {
            throw new UserInputException($"dataset '{datasetPath}' has a name with a control character (a line break or the like) in its manifest: rename it there.");
        }

        if (!seen.Add(dataset.Name))
        {
            throw new UserInputException($"two datasets are named '{dataset.Name}': give each dataset of a sweep its own name.");
        }

        var trainingTokens = dataset.Tokens is { } total ? spec.Training.TrainingTokens(total, dataset.Documents) : (long?)null;
        var relative = Path.GetRelativePath(Path.GetFullPath(planFolder), Path.GetFullPath(datasetPath)).Replace('\\', '/');
        void CheckBudget(long tokens)
        {
            if (trainingTokens is { } available && tokens > available)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"dataset '{dataset.Name}' has {available} training tokens (after {spec.Training.ValidationSplitName}), fewer than the budget {tokens}: generate more tokens or lower the budget."));
            }
        }

        PlanCell Cell(LlamaShape shape, long tokens, int seed, double factor)
        {
            var parameters = shape.ParameterCount(vocabulary);
            var training = spec.Training.ForShape(shape);
            if (group.Batch is { } rule)
            {
                training = training with { BatchSize = rule.For(tokens, training.Context) };
            }

            var id = PlanCell.MakeId(dataset.Name, shape, tokens, seed);
            if (factor != 1)
            {
                training = training with { LearningRate = training.LearningRate * factor };
                id = PlanCell.MakeScanId(id, training.LearningRate);
            }

            return new PlanCell
            {
                Index = cells.Count,
                CellId = id,
                Dataset = dataset.Name,
                DatasetPath = relative,
                GzipMedian = dataset.GzipMedian,
                Tokens = tokens,
                Shape = shape,
                Vocabulary = vocabulary,
                Parameters = parameters,
                Compute = 6.0 * parameters * tokens,
                Seed = seed,
                Training = training,
            };
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var smallest = group.Shapes[0];
        var largest = group.Shapes[^1];
        var fewest = group.Tokens[0];
        var most = group.Tokens[^1];
        foreach (var shape in group.Shapes)
        {
            foreach (var tokens in group.Tokens)
            {
                CheckBudget(tokens);
                foreach (var seed in group.Seeds)
                {
                    var corner = (shape == smallest || shape == largest) && (tokens == fewest || tokens == most) && seed == group.Seeds[0];
                    if (!pilot || corner)
                    {
                        var cell = Cell(shape, tokens, seed, 1);
                        ids.Add(cell.CellId);
                        cells.Add(cell);
                    }
                }
            }
        }

        if (group.LearningRateScan is not { } scan)
        {
            return;
        }

        foreach (var shape in smallest == largest ? [smallest] : new[] { smallest, largest })
        {
            foreach (var tokens in scan.Tokens)
            {
                CheckBudget(tokens);
                foreach (var factor in scan.Factors)
                {
                    var cell = Cell(shape, tokens, group.Seeds[0], factor);
                    if (ids.Add(cell.CellId))
                    {
                        cells.Add(cell);
                    }
                }
            }
        }
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

    /// <summary>
    /// Reads and validates a plan file. Throws <see cref="UserInputException"/> when it is missing, and
    /// <see cref="InvalidDataException"/> naming the file, line and field when a line is malformed, out of order or
    /// holds a value no trainer could use (a missing or control-character cell_id, D below 1, an N that is not the
    /// shape's parameter count, bad training settings...), so that a tampered plan is refused before compute is spent.
    /// </summary>
    public static IReadOnlyList<PlanCell> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"plan '{path}' does not exist: write it with `pcfglab sweep plan`.");
        }

        var cells = new List<PlanCell>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = JsonLinesFile.ReadLines(path);
        for (var l = 0; l < lines.Length; l++)
        {
            if (string.IsNullOrWhiteSpace(lines[l]))
            {
                continue;
            }

            var lineNumber = l + 1;
            var cell = SweepJson.ParseLine(lines[l], SweepJson.Default.PlanCell, path, lineNumber);
            if (cell.Index != cells.Count)
            {
                throw new InvalidDataException($"{path}: line {lineNumber} has index {cell.Index}, expected {cells.Count}: rewrite the plan with `pcfglab sweep plan`.");
            }

            if (Problem(cell) is { } problem)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {problem}: rewrite the plan with `pcfglab sweep plan`.");
            }

            if (!firstLineOf.TryAdd(cell.CellId, lineNumber))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: cell_id '{cell.CellId}' repeats line {firstLineOf[cell.CellId]}'s, so one of them would never be trained: rewrite the plan with `pcfglab sweep plan`.");
            }

            cells.Add(cell);
        }

        return cells;
    }

    /// <summary>
    /// Checks, before any training, that every dataset of <paramref name="cells"/> (read from
    /// <paramref name="planPath"/>) is where the plan says, is large enough for its budgets and fits its vocabulary.
    /// Throws <see cref="UserInputException"/> naming the plan file, line and field.
    /// </summary>
    public static void CheckDatasets(IReadOnlyList<PlanCell> cells, string planPath)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var inv = CultureInfo.InvariantCulture;
        var datasets = new Dictionary<string, DatasetInfo>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            var where = string.Create(inv, $"{planPath}:{cell.Index + 1}: ");
            var folder = cell.ResolveDatasetPath(planPath);
            if (!datasets.TryGetValue(folder, out var dataset))
            {
                if (!Directory.Exists(folder))
                {
                    throw new UserInputException($"{where}dataset_path '{cell.DatasetPath}' ({folder}) does not exist: generate the dataset there with `pcfglab generate` or fix the plan.");
                }

                try
                {
                    dataset = DatasetInfo.Read(folder);
                }
                catch (UserInputException ex)
                {
                    throw ex.WithPrefix(where + "dataset_path: ");
                }

                datasets[folder] = dataset;
            }

            if (dataset.Vocabulary is { } needed && cell.Vocabulary < needed)
            {
                throw new UserInputException(string.Create(inv, $"{where}vocabulary {cell.Vocabulary} is smaller than dataset '{dataset.Name}' needs ({needed}): rewrite the plan with `pcfglab sweep plan`."));
            }

            if (dataset.Tokens is { } total && cell.Tokens > cell.Training.TrainingTokens(total, dataset.Documents))
            {
                throw new UserInputException(string.Create(inv, $"{where}D = {cell.Tokens} is more than dataset '{dataset.Name}' holds for training ({cell.Training.TrainingTokens(total, dataset.Documents)} tokens): generate more tokens or rewrite the plan."));
            }
        }
    }

    /// <summary>The most parameters a plan cell may have (10^13, several times today's largest models): past it the plan was not written by this tool.</summary>
    internal const long MaxParameters = 10_000_000_000_000;

    /// <summary>What is wrong with <paramref name="cell"/> as read from a plan, or null.</summary>
    internal static string? Problem(PlanCell cell)
    {
        var inv = CultureInfo.InvariantCulture;
        if ((TextProblem(cell.CellId, "cell_id") ?? TextProblem(cell.Dataset, "dataset") ?? TextProblem(cell.DatasetPath, "dataset_path")) is { } text)
        {
            return text;
        }

        if (cell.Shape is not { } shape)
        {
            return "shape is missing";
        }

        if (shape.Hidden < 1 || shape.Intermediate < 1 || shape.Layers < 1 || shape.Heads < 1)
        {
            return $"shape {shape.Label} has a size below 1";
        }

        if (shape.Hidden % shape.Heads != 0)
        {
            return string.Create(inv, $"shape.heads {shape.Heads} do not divide shape.hidden {shape.Hidden}");
        }

        if (cell.Vocabulary < 2)
        {
            return string.Create(inv, $"vocabulary must be at least 2, got {cell.Vocabulary}");
        }

        if (cell.Tokens < 1)
        {
            return string.Create(inv, $"D must be at least 1, got {cell.Tokens}");
        }

        // N is what the adapter checks the built model against; checking it here against the shape refuses a
        // tampered shape (hidden 10^9) before a node tries to allocate the model.
        var expected = ParameterCount(shape, cell.Vocabulary);
        if (expected > MaxParameters)
        {
            return string.Create(inv, $"shape {shape.Label} with vocabulary {cell.Vocabulary} has {expected} parameters, more than {MaxParameters}");
        }

        if (cell.Parameters != expected)
        {
            return string.Create(inv, $"N is {cell.Parameters} but shape {shape.Label} with vocabulary {cell.Vocabulary} has {expected} parameters");
        }

        var compute = 6.0 * cell.Parameters * cell.Tokens;
        if (!double.IsFinite(cell.Compute) || Math.Abs(cell.Compute - compute) > 1e-9 * compute)
        {
            return string.Create(inv, $"C is {cell.Compute} but 6 N D is {compute}");
        }

        if (cell.GzipMedian is { } h && !(double.IsFinite(h) && h >= 0))
        {
            return string.Create(inv, $"H must be a number of at least 0, got {h}");
        }

        if (cell.Training is null)
        {
            return "training is missing";
        }

        try
        {
            cell.Training.Validate();
        }
        catch (UserInputException ex)
        {
            return ex.Message.TrimEnd('.');
        }

        return null;
    }

    private static string? TextProblem(string? value, string field) =>
        value is null ? $"{field} is missing (or null)"
        : value.Length == 0 ? $"{field} is empty"
        : value.Any(char.IsControl) ? $"{field} holds a control character (a line break, tab or the like)"
        : null;

    /// <summary>The parameter count of <paramref name="shape"/>, without overflow (as <see cref="LlamaShape.ParameterCount"/> counts).</summary>
    private static Int128 ParameterCount(LlamaShape shape, int vocabulary)
    {
        Int128 h = shape.Hidden;
        var perLayer = (4 * h * h) + (3 * h * shape.Intermediate) + (2 * h);
        return (2 * (Int128)vocabulary * h) + (shape.Layers * perLayer) + h;
    }

    /// <summary>Selects cell <paramref name="index"/> of <paramref name="plan"/>, or throws <see cref="UserInputException"/>.</summary>
    public static PlanCell Cell(IReadOnlyList<PlanCell> plan, int index, string planPath) =>
        index >= 0 && index < plan.Count
            ? plan[index]
            : throw new UserInputException($"cell {index} is not in plan '{planPath}', which has cells 0..{plan.Count - 1}.");
}
