using System.CommandLine;
using System.Globalization;
using PcfgLab.Analysis;
using PcfgLab.Reporting;
using PcfgLab.Sweeps;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab sweep plan|train|synthetic-train|report</c>: the training sweep and its report.</summary>
internal static class SweepCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("sweep", "Plan a training sweep, run its cells through a trainer, and report the fitted scaling laws.");
        command.Subcommands.Add(SweepPlanCommand.Create(context));
        command.Subcommands.Add(CreateTrain(context));
        command.Subcommands.Add(CreateSlurm(context));
        command.Subcommands.Add(CreateSyntheticTrain(context));
        command.Subcommands.Add(CreateReport(context));
        return command;
    }

    private static Command CreateTrain(CliContext context)
    {
        var plan = new Option<string>("--plan") { Description = "Plan file written by `pcfglab sweep plan`.", Required = true };
        var results = new Option<string>("--results") { Description = "Results file (JSON Lines) the trainer appends to.", Required = true };
        var failures = new Option<string?>("--failures") { Description = "Where failed cells are recorded (default: beside the results, failures.jsonl)." };
        var trainer = new Option<string>("--trainer") { Description = "Trainer command; {cell} {plan} {results} {cell_id} {dataset} are replaced per cell.", Required = true };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Cells trained at once on this machine.", DefaultValueFactory = _ => 1 };
        var deadline = new Option<string?>("--deadline") { Description = "Seconds from now (540) or a time (2026-12-06T01:00:00Z) by which the sweep ends: no cell starts that is not expected to finish by then, and cells still running then are stopped (not failures: a rerun trains them)." };
        var command = new Command("train", "Run the plan's pending cells through a trainer command, recording failures without stopping.")
        {
            plan, results, failures, trainer, jobs, deadline,
        };
        command.SetAction(async (parse, ct) =>
        {
            var planPath = parse.GetValue(plan)!;
            var resultsPath = parse.GetValue(results)!;
            var failuresPath = parse.GetValue(failures) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!, TrainingRecordStore.FailuresFileName);
            var command = new TrainerCommand(parse.GetValue(trainer)!);
            var jobCount = parse.GetValue(jobs);
            if (jobCount < 1)
            {
                throw new UserInputException("--jobs must be at least 1.");
            }

            // Everything a trainer would trip over is checked before the first cell starts.
            TrainingRecordStore.EnsureAppendable(resultsPath);
            TrainingRecordStore.EnsureAppendable(failuresPath);
            var stopBy = parse.GetValue(deadline) is { } deadlineText ? SweepDeadline.Parse(deadlineText, DateTimeOffset.UtcNow) : null;
            var cells = SweepPlanner.Read(planPath);
            SweepPlanner.CheckDatasets(cells, planPath);
            var pending = SweepPlanner.Pending(cells, TrainingRecordStore.CompletedCells([resultsPath])).Count;
            var runner = new SweepRunner(context.CreateLogger("sweep")) { ClaimOwner = context.Owner("pcfglab sweep train") };
            var summary = await context.WithProgressAsync("training cells", pending, p => runner.RunAsync(planPath, resultsPath, failuresPath, command, jobCount, stopBy, p, ct)).ConfigureAwait(false);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cells: {summary.Planned} planned, {summary.AlreadyDone} already done, {summary.Succeeded} trained, {summary.Failed} failed{(summary.Claimed > 0 ? ", " + summary.Claimed.ToString(CultureInfo.InvariantCulture) + " skipped (another run has them)" : string.Empty)}{(summary.Failed > 0 ? " (see " + failuresPath + ")" : string.Empty)}{(stopBy is null ? string.Empty : $", {summary.Stopped} stopped at the deadline, {summary.NotStarted} not started; {summary.Left} left")}"));
            return summary.Failed > 0 ? PcfgLabApp.Failure : 0;
        });
        return command;
    }

    private static Command CreateSlurm(CliContext context)
    {
        var plan = new Option<string>("--plan") { Description = "Plan file written by `pcfglab sweep plan`.", Required = true };
        var results = new Option<string>("--results") { Description = "Results file the tasks append to; cells with a record there are left out of the array.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "sbatch script to write.", DefaultValueFactory = _ => "sweep.sbatch" };
        var parallel = new Option<int>("--parallel") { Description = "Tasks running at once (the array's % throttle).", DefaultValueFactory = _ => 8 };
        var python = new Option<string>("--python") { Description = "Python with torch on the nodes.", DefaultValueFactory = _ => "python3" };
        var device = new Option<string>("--device") { Description = "cuda (one GPU per task) or cpu.", DefaultValueFactory = _ => "cuda" };
        var cpus = new Option<int>("--cpus-per-task") { Description = "CPUs per task (the adapter's --threads).", DefaultValueFactory = _ => 4 };
        var time = new Option<string>("--time") { Description = "Wall-clock limit per task.", DefaultValueFactory = _ => "04:00:00" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition." };
        var account = new Option<string?>("--account") { Description = "Slurm account." };
        var adapterArgs = new Option<string>("--adapter-args") { Description = "Extra arguments of train_cell.py, for example \"--model hf --dtype bfloat16\".", DefaultValueFactory = _ => string.Empty };
        var command = new Command("slurm", "Write an sbatch job-array script that trains the plan's pending cells, one cell per task, requeued on preemption.")
        {
            plan, results, output, parallel, python, device, cpus, time, partition, account, adapterArgs,
        };
        command.SetAction(parse =>
        {
            var planPath = parse.GetValue(plan)!;
            var resultsPath = parse.GetValue(results)!;
            var options = new SlurmOptions
            {
                PlanPath = planPath, ResultsPath = resultsPath, Parallelism = parse.GetValue(parallel), Python = parse.GetValue(python)!,
                Device = parse.GetValue(device)!, CpusPerTask = parse.GetValue(cpus), TimeLimit = parse.GetValue(time)!,
                Partition = parse.GetValue(partition), Account = parse.GetValue(account), AdapterArguments = parse.GetValue(adapterArgs)!,
            };

            // Checked before the plan is read, so that a hostile value is named as such.
            SlurmScript.Validate(options);
            var cells = SweepPlanner.Read(planPath);
            SweepPlanner.CheckDatasets(cells, planPath);
            var pending = SweepPlanner.Pending(cells, TrainingRecordStore.CompletedCells([resultsPath]));
            var outputPath = parse.GetValue(output)!;
            SlurmScript.Save(outputPath, pending, options);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outputPath}: {pending.Count} task(s); submit with: sbatch {outputPath}"));
            return 0;
        });
        return command;
    }

    private static Command CreateSyntheticTrain(CliContext context)
    {
        var plan = new Option<string>("--plan") { Description = "Plan file written by `pcfglab sweep plan`.", Required = true };
        var cell = new Option<int?>("--cell") { Description = "Index of the cell to 'train'; without it, every pending cell." };
        var results = new Option<string>("--results") { Description = "Results file (JSON Lines) to append the record to.", Required = true };
        var force = new Option<bool>("--force") { Description = "Write a record even when the cell already has one." };
        var command = new Command("synthetic-train", "Write SYNTHETIC run records (no model is trained) from a known data-dependent law, for checks without a GPU.")
        {
            plan, cell, results, force,
        };
        command.SetAction((parse, ct) =>
        {
            var written = new SyntheticTrainer().TrainPlan(parse.GetValue(plan)!, parse.GetValue(results)!, parse.GetValue(cell), parse.GetValue(force), ct);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"synthetic records written: {written} (device \"synthetic\": no model was trained)"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command CreateReport(CliContext context)
    {
        var results = new Option<string[]>("--results") { Description = "Results files or folders of *.jsonl (repeatable); records of the same cell: the last wins.", AllowMultipleArgumentsPerToken = true, Required = true };
        var plan = new Option<string?>("--plan") { Description = "The plan, to list the cells that have no record." };
        var output = new Option<string>("--out", "-o") { Description = "Report folder (report.md, figures/*.png and *.svg).", DefaultValueFactory = _ => "report" };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for parameter uncertainty (0: none).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Seed of the bootstrap and of the documents sampled for the gzip histograms (a whole number, 0 or more).", DefaultValueFactory = _ => 0 };
        var fitGrid = new Option<string>("--fit-grid") { Description = "Fitter starts: full (the fitter's 4500-point grid) or coarse (108 points, for quick checks).", DefaultValueFactory = _ => "full" };
        fitGrid.AcceptOnlyFromAmong("full", "coarse");
        var json = new Option<bool>("--json") { Description = "Print the fits, trends and figure paths as one JSON document on stdout." };
        var command = new Command("report", "Fit each dataset's scaling law, regress on gzip compressibility, and write report/report.md with figures.")
        {
            results, plan, output, bootstrap, seed, fitGrid, json,
        };
        command.SetAction((parse, ct) =>
        {
            var resultFiles = TrainingRecordStore.ExpandResultFiles(parse.GetValue(results)!);
            var inputs = new StudyReportOptions
            {
                ResultsFiles = resultFiles,
                FailuresFiles = TrainingRecordStore.FailuresFilesBeside(resultFiles),
                PlanPath = parse.GetValue(plan),
                BootstrapSamples = parse.GetValue(bootstrap),
                Seed = parse.GetValue(seed),
            };
            var logger = context.CreateLogger("report");
            using var writer = ReportWriter.Open(logger, new ReportOptions { Owner = context.Owner("pcfglab sweep report"), OutputFolder = parse.GetValue(output)! });
            var model = StudyReportBuilder.Build(logger, inputs, coarseGrid: parse.GetValue(fitGrid) == "coarse", ct);
            var report = writer.Write(model);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(ReportJson.Render(report));
                return Task.FromResult(0);
            }

            context.Output.WriteLine($"report: {report.MarkdownPath}");
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"records: {model.Records.Count} ({model.SyntheticRecords} synthetic), datasets fitted: {model.DatasetsFitted}, missing cells: {model.MissingCells?.Count.ToString(CultureInfo.InvariantCulture) ?? "unknown (no --plan)"}, figures: {report.Files.Count}"));
            return Task.FromResult(0);
        });
        return command;
    }
}

/// <summary>Log messages of the sweep commands.</summary>
internal static partial class SweepLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "wrote {Path}: {Written} cells ({Planned} planned, {Done} with a record)")]
    public static partial void LogPlanWritten(this Microsoft.Extensions.Logging.ILogger logger, string path, int written, int planned, int done);
}
