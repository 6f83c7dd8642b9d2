using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PcfgLab.Sweeps;

/// <summary>What <see cref="SlurmScript.Write"/> puts in an sbatch array script.</summary>
public sealed record SlurmOptions
{
    /// <summary>The plan file, as the cluster's nodes will see it (relative paths are taken from the submit folder).</summary>
    public required string PlanPath { get; init; }

    /// <summary>The results file every task appends to (under flock, so tasks may share it).</summary>
    public required string ResultsPath { get; init; }

    /// <summary>Tasks running at once (sbatch's <c>%</c> throttle).</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>The Python interpreter that has torch on the nodes.</summary>
    public string Python { get; init; } = "python3";

    /// <summary>The adapter script, as the nodes see it.</summary>
    public string Adapter { get; init; } = "src/trainers/torch/train_cell.py";

    /// <summary>Extra arguments of the adapter (for example <c>--model hf --dtype bfloat16</c>).</summary>
    public string AdapterArguments { get; init; } = string.Empty;

    /// <summary>The device: <c>cuda</c> asks for one GPU per task; <c>cpu</c> asks for none.</summary>
    public string Device { get; init; } = "cuda";

    /// <summary>CPUs per task.</summary>
    public int CpusPerTask { get; init; } = 4;

    /// <summary>Wall-clock limit per task (sbatch's <c>--time</c>).</summary>
    public string TimeLimit { get; init; } = "04:00:00";

    /// <summary>The partition, or null for the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>The account, or null.</summary>
    public string? Account { get; init; }

    /// <summary>The job's name.</summary>
    public string JobName { get; init; } = "pcfglab-sweep";

    /// <summary>Folder of the per-task logs.</summary>
    public string LogFolder { get; init; } = "slurm-logs";
}

/// <summary>
/// An sbatch script that trains a plan's pending cells as a Slurm job array: one cell per task (the array index is
/// the cell's index in the plan), at most <see cref="SlurmOptions.Parallelism"/> at once, requeued when preempted.
/// Completed cells are left out of the array when the script is written, and the adapter skips a cell that already
/// has a record when it starts, so a requeued or resubmitted task never trains a cell twice.
/// </summary>
public static class SlurmScript
{
    /// <summary>The script for the <paramref name="pending"/> cells of the plan.</summary>
    public static string Write(IReadOnlyList<PlanCell> pending, SlurmOptions options)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(options);
        if (pending.Count == 0)
        {
            throw new UserInputException("every cell of the plan already has a record: there is nothing to submit.");
        }

        var adapterWords = CheckedAdapterWords(options);

        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append("# Written by ").Append(ToolInfo.Name).Append(' ').Append(ToolInfo.Version).Append(": ")
            .Append(pending.Count.ToString(inv)).Append(" pending cell(s) of ").Append(Quote(options.PlanPath)).Append(".\n");
        text.Append("# Submit from the repository root: sbatch ").Append("<this file>").Append(". Resubmitting is safe: finished cells are skipped.\n");
        text.Append("#SBATCH --job-name=").Append(options.JobName).Append('\n');
        text.Append("#SBATCH --array=").Append(ArrayRanges(pending.Select(c => c.Index))).Append('%').Append(options.Parallelism.ToString(inv)).Append('\n');
        text.Append("#SBATCH --cpus-per-task=").Append(options.CpusPerTask.ToString(inv)).Append('\n');
        if (options.Device == "cuda")
        {
            text.Append("#SBATCH --gpus-per-task=1\n");
        }

        text.Append("#SBATCH --time=").Append(options.TimeLimit).Append('\n');
        if (options.Partition is { } partition)
        {
            text.Append("#SBATCH --partition=").Append(partition).Append('\n');
        }

        if (options.Account is { } account)
        {
            text.Append("#SBATCH --account=").Append(account).Append('\n');
        }

        // Preempted tasks go back to the queue and start their cell again (the adapter keeps no checkpoint).
        text.Append("#SBATCH --requeue\n");
        text.Append("#SBATCH --open-mode=append\n");

        // sbatch reads a double-quoted value as one word (spaces included); a plain path is written as it is.
        var logPattern = options.LogFolder + "/%A_%a.out";
        text.Append("#SBATCH --output=").Append(IsShellSafe(options.LogFolder) ? logPattern : "\"" + logPattern + "\"").Append('\n');
        text.Append("set -euo pipefail\n");
        text.Append("mkdir -p -- ").Append(Quote(options.LogFolder)).Append('\n');
        text.Append("threads=\"${SLURM_CPUS_PER_TASK:-1}\"\n");
        text.Append("exec ").Append(Quote(options.Python)).Append(' ').Append(Quote(options.Adapter))
            .Append(" --plan ").Append(Quote(options.PlanPath))
            .Append(" --cell \"$SLURM_ARRAY_TASK_ID\"")
            .Append(" --results ").Append(Quote(options.ResultsPath))
            .Append(" --device ").Append(options.Device)
            .Append(" --threads \"$threads\"");
        foreach (var word in adapterWords)
        {
            text.Append(' ').Append(Quote(word));
        }

        text.Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Throws a one-line <see cref="UserInputException"/> naming the option when a value of <paramref name="options"/>
    /// cannot go into a script safely: a control character anywhere, or anything but a plain word on an #SBATCH line.
    /// </summary>
    public static void Validate(SlurmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = CheckedAdapterWords(options);
    }

    /// <summary>Validates <paramref name="options"/> and returns the extra adapter arguments as words.</summary>
    private static string[] CheckedAdapterWords(SlurmOptions options)
    {
        if (options.Parallelism < 1 || options.CpusPerTask < 1)
        {
            throw new UserInputException("parallelism and CPUs per task must be at least 1.");
        }

        if (options.Device is not ("cuda" or "cpu"))
        {
            throw new UserInputException($"device '{options.Device}' is not known: use cuda or cpu.");
        }

        // Every value below lands in a bash script: a line break (or any control character) in one would end a
        // comment or an #SBATCH line and start a command line of its own. Refuse them all, by the option's name.
        RefuseControlCharacters(options.PlanPath, $"{new Parameter("SlurmOptions.PlanPath")}");
        RefuseControlCharacters(options.ResultsPath, $"{new Parameter("SlurmOptions.ResultsPath")}");
        RefuseControlCharacters(options.Python, $"{new Parameter("SlurmOptions.Python")}");
        RefuseControlCharacters(options.Adapter, $"{new Parameter("SlurmOptions.Adapter")}");
        RefuseControlCharacters(options.AdapterArguments, $"{new Parameter("SlurmOptions.AdapterArguments")}");
        RefuseControlCharacters(options.LogFolder, $"{new Parameter("SlurmOptions.LogFolder")}");

        // #SBATCH values are read by sbatch, not by bash: keep them to the characters Slurm names and times use.
        RequireSlurmWord(options.TimeLimit, $"{new Parameter("SlurmOptions.TimeLimit")}");
        RequireSlurmWord(options.JobName, $"{new Parameter("SlurmOptions.JobName")}");
        if (options.Partition is { } checkedPartition)
        {
            RequireSlurmWord(checkedPartition, $"{new Parameter("SlurmOptions.Partition")}");
        }

        if (options.Account is { } checkedAccount)
        {
            RequireSlurmWord(checkedAccount, $"{new Parameter("SlurmOptions.Account")}");
        }

        if (options.LogFolder.Length == 0 || options.LogFolder.Contains('"', StringComparison.Ordinal))
        {
            throw UserInputException.ForParameters($"{new Parameter("SlurmOptions.LogFolder")} '{options.LogFolder}' is empty or holds a double quote: give a plain folder path.");
        }

        // The extra adapter arguments are split into words as a shell would split them and each word is quoted, so
        // that ';', '$(...)' or a backquote in them is an argument of the adapter, never shell code.
        try
        {
            return TrainerCommand.Split(options.AdapterArguments);
        }
        catch (UserInputException)
        {
            throw UserInputException.ForParameters($"{new Parameter("SlurmOptions.AdapterArguments")} has an unclosed quote: close it.");
        }

    }

    /// <summary>Writes <see cref="Write"/>'s script to <paramref name="path"/> (through a temporary file), executable by its owner.</summary>
    public static void Save(string path, IReadOnlyList<PlanCell> pending, SlurmOptions options)
    {
        var script = Write(pending, options);
        AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, script);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        });
    }

    /// <summary>Sorted indices as sbatch ranges: 0-3,5,7-9.</summary>
    internal static string ArrayRanges(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j
                ? sorted[i].ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(',', parts);
    }

    /// <summary>The text as one bash word: as it is when every character is safe, otherwise in single quotes.</summary>
    private static string Quote(string text) =>
        text.Length > 0 && IsShellSafe(text)
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool IsShellSafe(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or '=');

    private static void RefuseControlCharacters(string value, FormattableString option)
    {
        if (value.Any(char.IsControl))
        {
            throw UserInputException.ForParameters(FormattableStringFactory.Create(
                option.Format + " holds a control character (a line break, tab or the like), which would end a line of the sbatch script: give it without one.", option.GetArguments()));
        }
    }

    private static void RequireSlurmWord(string value, FormattableString option)
    {
        if (value.Length == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or ',' or '+' or '@'))
        {
            throw UserInputException.ForParameters(FormattableStringFactory.Create(
                option.Format + " '{1}' may hold only letters, digits and . _ - : , + @ (it goes on an #SBATCH line): give it without spaces, quotes or control characters.",
                [.. option.GetArguments(), Printable(value)]));
        }
    }

    /// <summary>The value with control characters shown as escapes, so that an error message stays one line.</summary>
    private static string Printable(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString());
        }

        return text.ToString();
    }
}
