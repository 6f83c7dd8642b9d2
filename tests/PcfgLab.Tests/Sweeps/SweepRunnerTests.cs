using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepRunnerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-runner-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Plan()
    {
        var data = Path.Combine(_root.FullName, "data");
        SweepTestData.WriteManifest(data, "gzipscale-0.11", 0.1133, 2_000_000, 20);
        SweepTestData.WriteManifest(data, "gzipscale-0.61", 0.6094, 2_000_000, 2000);
        var spec = new SweepSpec
        {
            Datasets = [Path.Combine(data, "gzipscale-0.11"), Path.Combine(data, "gzipscale-0.61")],
            Shapes = LlamaShape.Study.Take(1).ToArray(),
            Tokens = [100_000],
        };
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        SweepPlanner.Write(plan, SweepPlanner.Plan(spec, _root.FullName));
        return plan;
    }

    [Fact]
    public async Task A_trainer_that_exits_cleanly_without_a_record_is_a_failure()
    {
        var plan = Plan();
        var cli = Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli.dll");
        var elsewhere = Path.Combine(_root.FullName, "elsewhere.jsonl");
        var trainer = new TrainerCommand($"dotnet '{cli}' sweep synthetic-train --plan {{plan}} --cell {{cell}} --results '{elsewhere}'");
        var results = Path.Combine(_root.FullName, "results.jsonl");
        var failures = Path.Combine(_root.FullName, "failures.jsonl");

        var summary = await new SweepRunner(NullLogger.Instance).RunAsync(plan, results, failures, trainer, 1, null, CancellationToken.None);

        Assert.Equal(new SweepRunSummary(2, 0, 0, 2), summary);
        var recorded = JsonLinesFile.ReadAll(failures, SweepJson.Default.TrainingFailure);
        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, f => Assert.Equal(0, f.ExitCode));
        Assert.All(recorded, f => Assert.Contains("wrote no record", f.Reason, StringComparison.Ordinal));
        Assert.Equal(2, TrainingRecordStore.Read([elsewhere], new List<string>()).Count);
    }

    [Fact]
    public async Task Cells_run_in_budget_tiers_so_a_stopped_sweep_leaves_a_balanced_grid()
    {
        var data = Path.Combine(_root.FullName, "data");
        var spec = new SweepSpec
        {
            Datasets = [SweepTestData.WriteManifest(data, "a", 0.1, 2_000_000, 20), SweepTestData.WriteManifest(data, "b", 0.6, 2_000_000, 20)],
            Shapes = LlamaShape.Study.Take(2).ToArray(),
            Tokens = [1_000_000, 100_000],
        };
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        var cells = SweepPlanner.Plan(spec, _root.FullName);
        SweepPlanner.Write(plan, cells);
        var order = Path.Combine(_root.FullName, "order.txt");
        var trainer = new TrainerCommand($"sh -c 'echo {{cell}} >> {order}'");

        await new SweepRunner(NullLogger.Instance).RunAsync(plan, Path.Combine(_root.FullName, "r.jsonl"), Path.Combine(_root.FullName, "f.jsonl"), trainer, 1, null, CancellationToken.None);

        var ran = File.ReadAllLines(order).Select(int.Parse).ToArray();

        // No records yet: the schedule predicts by compute, so within the 100K tier the larger shape goes first.
        var expected = cells.OrderBy(c => c.Tokens).ThenByDescending(c => c.Compute).ThenBy(c => c.Index).Select(c => c.Index).ToArray();
        Assert.Equal(expected, ran);
        Assert.NotEqual(cells.Select(c => c.Index).ToArray(), ran); // plan order differs: the test can tell them apart
        Assert.All(ran.Take(4), i => Assert.Equal(100_000, cells[i].Tokens));
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_recorded_per_cell()
    {
        var plan = Plan();
        var trainer = new TrainerCommand(Path.Combine(_root.FullName, "no-such-program") + " {cell}");
        var failures = Path.Combine(_root.FullName, "failures.jsonl");

        var summary = await new SweepRunner(NullLogger.Instance).RunAsync(plan, Path.Combine(_root.FullName, "r.jsonl"), failures, trainer, 2, null, CancellationToken.None);

        Assert.Equal(2, summary.Failed);
        Assert.All(JsonLinesFile.ReadAll(failures, SweepJson.Default.TrainingFailure), f => Assert.StartsWith("could not start", f.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_the_deadline_running_cells_are_stopped_and_the_rest_not_started_none_of_them_failures()
    {
        var data = Path.Combine(_root.FullName, "data");
        var spec = new SweepSpec
        {
            Datasets = [SweepTestData.WriteManifest(data, "a", 0.1, 2_000_000, 20), SweepTestData.WriteManifest(data, "b", 0.6, 2_000_000, 20)],
            Shapes = LlamaShape.Study.Take(1).ToArray(),
            Tokens = [100_000, 200_000, 300_000, 400_000, 500_000],
        };
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        SweepPlanner.Write(plan, SweepPlanner.Plan(spec, _root.FullName));
        // Each cell would take 5 s; the shell waits on its child, so stopping the cell must kill the process tree.
        var started = Path.Combine(_root.FullName, "started.txt");
        var trainer = new TrainerCommand($"sh -c 'echo {{cell}} >> {started}; sleep 5; echo {{cell}} finished >> {started}'");
        var failures = Path.Combine(_root.FullName, "failures.jsonl");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var summary = await new SweepRunner(NullLogger.Instance).RunAsync(
            plan, Path.Combine(_root.FullName, "r.jsonl"), failures, trainer, 2, new SweepDeadline(DateTimeOffset.UtcNow.AddSeconds(3)), null, CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}"); // ten cells of 5 s, two at a time, would take 25 s
        Assert.Equal(0, summary.Succeeded);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(2, summary.Stopped);
        Assert.Equal(8, summary.NotStarted);
        Assert.Equal(10, summary.Left);
        Assert.False(File.Exists(failures));
        Assert.Equal(2, File.ReadAllLines(started).Length);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a surviving 'sleep 5' child would have written 'finished' by now
        Assert.DoesNotContain(File.ReadAllLines(started), l => l.Contains("finished", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deadline_far_away_lets_every_cell_run_as_without_one()
    {
        var plan = Plan();
        var cli = Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli.dll");
        var trainer = new TrainerCommand($"dotnet '{cli}' sweep synthetic-train --plan {{plan}} --cell {{cell}} --results {{results}}");
        var results = Path.Combine(_root.FullName, "results.jsonl");

        var summary = await new SweepRunner(NullLogger.Instance).RunAsync(
            plan, results, Path.Combine(_root.FullName, "f.jsonl"), trainer, 2, new SweepDeadline(DateTimeOffset.UtcNow.AddHours(1)), null, CancellationToken.None);

        Assert.Equal(new SweepRunSummary(2, 0, 2, 0, 0, 0), summary);
        Assert.Equal(2, TrainingRecordStore.CompletedCells([results]).Count);
    }

    /// <summary>
    /// A plan of <paramref name="cells"/> cells and a script trainer: it notes each start in <c>ran.txt</c> (cell id and
    /// process id), sleeps <paramref name="seconds"/>, then appends the cell's record.
    /// </summary>
    private (string Plan, string Trainer, string Ran) ScriptedSweep(int cells, double seconds)
    {
        var data = Path.Combine(_root.FullName, "data");
        var spec = new SweepSpec
        {
            Datasets = [SweepTestData.WriteManifest(data, "a", 0.1, 20_000_000, 20)],
            Shapes = LlamaShape.Study.Take(1).ToArray(),
            Tokens = Enumerable.Range(1, cells).Select(i => i * 100_000L).ToArray(),
        };
        var plan = Path.Combine(_root.FullName, "plan.jsonl");
        SweepPlanner.Write(plan, SweepPlanner.Plan(spec, _root.FullName));
        var ran = Path.Combine(_root.FullName, "ran.txt");
        var script = Path.Combine(_root.FullName, "trainer.sh");
        File.WriteAllText(script, string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""
            echo "$1 $$" >> '{{ran}}'
            sleep {{seconds}}
            printf '{"cell_id":"%s","dataset":"a","device":"cpu","N":10,"D":10,"final_valid_loss":1.5}\n' "$1" >> "$2"
            """));
        return (plan, $"sh '{script}' {{cell_id}} {{results}}", ran);
    }

    private static Process StartSweepTrain(string plan, string results, string trainer)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "PcfgLab.Cli.dll"), "sweep", "train", "--plan", plan, "--results", results, "--trainer", trainer])
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    [Fact]
    public async Task Two_sweep_train_processes_on_one_plan_train_each_cell_once()
    {
        var (plan, trainer, ran) = ScriptedSweep(cells: 4, seconds: 0.5);
        var results = Path.Combine(_root.FullName, "results.jsonl");

        using var first = StartSweepTrain(plan, results, trainer);
        using var second = StartSweepTrain(plan, results, trainer);
        var outputs = await Task.WhenAll(
            [.. new[] { first, second }.Select(async p => (Out: await p.StandardOutput.ReadToEndAsync(), Err: await p.StandardError.ReadToEndAsync()))]);
        await first.WaitForExitAsync();
        await second.WaitForExitAsync();

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, string.Join("\n", outputs.Select(o => o.Out + o.Err)));
        var started = File.ReadAllLines(ran).Select(l => l.Split(' ')[0]).ToArray();
        Assert.Equal(4, started.Length); // each cell's trainer ran once (before: 8, every cell twice)
        Assert.Equal(4, started.Distinct().Count());
        var problems = new List<string>();
        Assert.Equal(4, TrainingRecordStore.Read([results], problems).Count);
        Assert.Empty(problems); // no cell has two records
    }

    [Fact]
    public async Task A_rerun_after_kill_9_of_sweep_train_skips_the_cell_its_orphaned_trainer_still_runs()
    {
        var (plan, trainer, ran) = ScriptedSweep(cells: 1, seconds: 60);
        var results = Path.Combine(_root.FullName, "results.jsonl");
        int? orphan = null;
        try
        {
            using (var killed = StartSweepTrain(plan, results, trainer))
            {
                while (!File.Exists(ran) || File.ReadAllText(ran).Length == 0)
                {
                    if (killed.HasExited)
                    {
                        Assert.Fail(await killed.StandardError.ReadToEndAsync());
                    }

                    await Task.Delay(50);
                }

                orphan = int.Parse(File.ReadAllText(ran).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                killed.Kill(entireProcessTree: false); // SIGKILL to sweep train alone: its trainer runs on
                await killed.WaitForExitAsync();
            }

            using var rerun = StartSweepTrain(plan, results, trainer);
            var stdout = await rerun.StandardOutput.ReadToEndAsync();
            var stderr = await rerun.StandardError.ReadToEndAsync();
            await rerun.WaitForExitAsync();

            Assert.True(rerun.ExitCode == 0, stderr);
            Assert.Single(File.ReadAllLines(ran)); // no second trainer for the cell
            Assert.Contains("skipped, another trainer has it (", stderr, StringComparison.Ordinal);
            Assert.Contains("0 trained, 0 failed, 1 skipped (another run has them)", stdout, StringComparison.Ordinal);
        }
        finally
        {
            if (orphan is int pid)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
    }
}
