using PcfgLab.Sweeps;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Sweeps;

public sealed class SlurmScriptTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-slurm-");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 5 }, "5")]
    [InlineData(new[] { 9, 0, 1, 3, 7, 8 }, "0-1,3,7-9")]
    public void Array_ranges_compress_consecutive_indices(int[] indices, string expected) =>
        Assert.Equal(expected, SlurmScript.ArrayRanges(indices));

    [Fact]
    public void The_script_is_an_array_of_the_pending_cells_with_a_throttle_requeue_and_the_adapter()
    {
        var script = SlurmScript.Write(Cells(0, 1, 2, 5), new SlurmOptions
        {
            PlanPath = "out/plan.jsonl", ResultsPath = "results/gpu.jsonl", Parallelism = 3, Partition = "gpu", AdapterArguments = "--model hf",
        });

        var lines = script.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --array=0-2,5%3", lines);
        Assert.Contains("#SBATCH --requeue", lines);
        Assert.Contains("#SBATCH --gpus-per-task=1", lines);
        Assert.Contains("#SBATCH --partition=gpu", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("#SBATCH --account", StringComparison.Ordinal));
        Assert.Contains("exec python3 src/trainers/torch/train_cell.py --plan out/plan.jsonl --cell \"$SLURM_ARRAY_TASK_ID\" --results results/gpu.jsonl --device cuda --threads \"$threads\" --model hf", lines);
    }

    [Fact]
    public void A_cpu_script_asks_for_no_gpu()
    {
        var script = SlurmScript.Write(Cells(0), new SlurmOptions { PlanPath = "p", ResultsPath = "r", Device = "cpu" });
        Assert.DoesNotContain("gpus", script, StringComparison.Ordinal);
        Assert.Contains("--device cpu", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_pending_or_a_bad_device_is_a_user_error()
    {
        Assert.Contains("nothing to submit", Assert.Throws<UserInputException>(() => SlurmScript.Write([], new SlurmOptions { PlanPath = "p", ResultsPath = "r" })).Message, StringComparison.Ordinal);
        Assert.Contains("use cuda or cpu", Assert.Throws<UserInputException>(() => SlurmScript.Write(Cells(0), new SlurmOptions { PlanPath = "p", ResultsPath = "r", Device = "tpu" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_runs_under_bash_as_a_task_would()
    {
        // bash runs the script as Slurm would run task 4 (the #SBATCH lines are comments); "python" is a stand-in
        // that prints its arguments, so the test sees exactly what the adapter would be given.
        var fake = Path.Combine(_root.FullName, "fake-python");
        File.WriteAllText(fake, "#!/bin/sh\necho \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var script = Path.Combine(_root.FullName, "sweep.sbatch");
        File.WriteAllText(script, SlurmScript.Write(Cells(4), new SlurmOptions { PlanPath = "plan with space.jsonl", ResultsPath = "r.jsonl", Python = fake, LogFolder = Path.Combine(_root.FullName, "logs") }));

        var (code, stdout, _) = ChildProcess.Run(
            "bash",
            [script],
            environment: new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "4", ["SLURM_CPUS_PER_TASK"] = "6" });

        Assert.Equal(0, code);
        Assert.Equal("src/trainers/torch/train_cell.py --plan plan with space.jsonl --cell 4 --results r.jsonl --device cuda --threads 6", stdout.Trim());
        Assert.True(Directory.Exists(Path.Combine(_root.FullName, "logs")));
    }

    [Theory]
    [InlineData("PlanPath", "--plan")]
    [InlineData("ResultsPath", "--results")]
    [InlineData("Python", "--python")]
    [InlineData("Adapter", "the adapter path")]
    [InlineData("AdapterArguments", "--adapter-args")]
    [InlineData("TimeLimit", "--time")]
    [InlineData("Partition", "--partition")]
    [InlineData("Account", "--account")]
    [InlineData("JobName", "the job name")]
    [InlineData("LogFolder", "the log folder")]
    public void A_line_break_in_any_value_that_reaches_the_script_is_refused_naming_its_option(string field, string flag)
    {
        // The issue's attack: a line break ends the comment (or #SBATCH line) and starts a command line.
        const string hostile = "d/plan\ntouch $HOME-PWNED\n.jsonl";
        var options = With(new SlurmOptions { PlanPath = "p", ResultsPath = "r" }, field, hostile);

        var error = Assert.Throws<UserInputException>(() => SlurmScript.Write(Cells(0), options));

        Assert.Equal(["SlurmOptions." + field], error.Parameters);
        Assert.StartsWith(flag + " ", PcfgLab.Cli.ParameterFlags.Message(error, "sweep slurm"), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<UserInputException>(() => SlurmScript.Validate(options));
    }

    [Theory]
    [InlineData("TimeLimit", "4:00:00 --wrap=id")]
    [InlineData("Partition", "gpu\"")]
    [InlineData("Account", "acct\tother")]
    [InlineData("JobName", "a b")]
    public void An_sbatch_value_must_be_one_plain_word(string field, string value)
    {
        var error = Assert.Throws<UserInputException>(() => SlurmScript.Write(Cells(0), With(new SlurmOptions { PlanPath = "p", ResultsPath = "r" }, field, value)));
        Assert.Equal(["SlurmOptions." + field], error.Parameters);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Hostile_but_legal_values_are_quoted_everywhere_and_nothing_in_them_runs()
    {
        // Quotes, $(...), backquotes, ';' and $HOME in every path and in the extra adapter arguments: bash -n accepts
        // the script, running it as task 3 creates no PWNED file, and the stand-in python receives every value whole.
        var work = Path.Combine(_root.FullName, "work dir");
        Directory.CreateDirectory(work);
        var record = Path.Combine(_root.FullName, "args.txt");
        var fake = Path.Combine(_root.FullName, "fake python $(touch PWNED0)");
        File.WriteAllText(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_FILE\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var plan = "d/plan $(touch PWNED1) `touch PWNED2`; touch PWNED3 'q' \"dq\" $HOME \\.jsonl";
        var results = "r'; touch PWNED4; echo '.jsonl";
        var adapter = "train_cell.py # $(touch PWNED5)";
        var logs = "logs $(touch PWNED6) `touch PWNED7`";
        var options = new SlurmOptions
        {
            PlanPath = plan, ResultsPath = results, Python = fake, Adapter = adapter, LogFolder = logs, Device = "cpu",
            AdapterArguments = "--model hf; touch PWNED8 '$(touch PWNED9)' \"a b\" `touch PWNED10`",
        };
        var script = Path.Combine(_root.FullName, "sweep.sbatch");
        SlurmScript.Save(script, Cells(3), options);

        var (syntax, _, syntaxError) = ChildProcess.Run("bash", ["-n", script], workingDirectory: work);
        Assert.True(syntax == 0, syntaxError);
        var (code, _, stderr) = ChildProcess.Run(
            "bash",
            [script],
            workingDirectory: work,
            environment: new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "3", ["ARGS_FILE"] = record });

        Assert.True(code == 0, stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_root.FullName, "PWNED*", SearchOption.AllDirectories));
        Assert.Equal(
            [adapter, "--plan", plan, "--cell", "3", "--results", results, "--device", "cpu", "--threads", "1", "--model", "hf;", "touch", "PWNED8", "$(touch PWNED9)", "a b", "`touch", "PWNED10`"],
            File.ReadAllLines(record));
        Assert.True(Directory.Exists(Path.Combine(work, logs)));

        // The header comment names the plan quoted, and every #SBATCH line is still one line above the first command.
        var lines = File.ReadAllLines(script);
        Assert.Contains("'" + plan.Replace("'", "'\\''", StringComparison.Ordinal) + "'", lines[1], StringComparison.Ordinal);
        Assert.All(lines.Skip(1).TakeWhile(l => l != "set -euo pipefail"), l => Assert.StartsWith("#", l, StringComparison.Ordinal));
        Assert.Contains("#SBATCH --output=\"" + logs + "/%A_%a.out\"", lines);
    }

    private static SlurmOptions With(SlurmOptions options, string field, string value) => field switch
    {
        "PlanPath" => options with { PlanPath = value },
        "ResultsPath" => options with { ResultsPath = value },
        "Python" => options with { Python = value },
        "Adapter" => options with { Adapter = value },
        "AdapterArguments" => options with { AdapterArguments = value },
        "TimeLimit" => options with { TimeLimit = value },
        "Partition" => options with { Partition = value },
        "Account" => options with { Account = value },
        "JobName" => options with { JobName = value },
        "LogFolder" => options with { LogFolder = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static PlanCell[] Cells(params int[] indices) =>
        indices.Select(i => new PlanCell { Index = i, CellId = "c" + i, Dataset = "d", DatasetPath = "d", Shape = LlamaShape.Study[0], Training = TrainingSettings.Small }).ToArray();
}
