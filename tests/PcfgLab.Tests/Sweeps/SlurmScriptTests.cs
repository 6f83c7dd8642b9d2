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

    private static PlanCell[] Cells(params int[] indices) =>
        indices.Select(i => new PlanCell { Index = i, CellId = "c" + i, Dataset = "d", DatasetPath = "d", Shape = LlamaShape.Study[0], Training = TrainingSettings.Small }).ToArray();
}
