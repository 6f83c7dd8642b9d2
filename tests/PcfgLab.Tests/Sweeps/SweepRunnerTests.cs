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
        Assert.Equal(2, RunRecordStore.Read([elsewhere], new List<string>()).Count);
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
}
