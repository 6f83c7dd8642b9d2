using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PcfgLab.Sweeps;

/// <summary>What <see cref="SweepRunner"/> did in one run.</summary>
/// <param name="Planned">Cells in the plan.</param>
/// <param name="AlreadyDone">Cells that had a record before the run (skipped).</param>
/// <param name="Succeeded">Cells trained in this run.</param>
/// <param name="Failed">Cells whose trainer failed (recorded in the failures file).</param>
/// <param name="Stopped">Cells stopped at the deadline (<see cref="SweepDeadline"/>); not failures: a rerun trains them.</param>
/// <param name="NotStarted">Cells not started because they were not expected to finish before the deadline.</param>
/// <param name="Claimed">Cells skipped because another run's trainer held them, or recorded them meanwhile (<see cref="CellClaim"/>).</param>
public sealed record SweepRunSummary(int Planned, int AlreadyDone, int Succeeded, int Failed, int Stopped = 0, int NotStarted = 0, int Claimed = 0)
{
    /// <summary>Cells still without a record after the run: failed, stopped or not started.</summary>
    public int Left => Failed + Stopped + NotStarted;
}

/// <summary>
/// Runs the pending cells of a plan through any trainer command (<see cref="TrainerCommand"/>), a few at a time.
/// A cell succeeds when its trainer exits with 0 and a record for it is in the results file; otherwise the exit
/// code and the tail of stderr go to the failures file and the sweep goes on. Each cell is claimed
/// (<see cref="CellClaim"/>) for its trainer's life, so two runs on one plan and results file never train a cell twice.
/// </summary>
public sealed class SweepRunner(ILogger logger)
{
    private const int StderrTailLines = 20;

    /// <summary>How this run describes itself in its cells' claims, to a second run that finds a cell claimed.</summary>
    public string ClaimOwner { get; init; } = "pcfglab sweep train";

    /// <summary>
    /// Trains every cell of the plan at <paramref name="planPath"/> that has no record in <paramref name="resultsPath"/>.
    /// <paramref name="progress"/> gets 1 per finished cell.
    /// </summary>
    public Task<SweepRunSummary> RunAsync(
        string planPath,
        string resultsPath,
        string failuresPath,
        TrainerCommand trainer,
        int parallelism,
        IProgress<double>? progress,
        CancellationToken cancellationToken) =>
        RunAsync(planPath, resultsPath, failuresPath, trainer, parallelism, deadline: null, progress, cancellationToken);

    /// <summary>
    /// Trains every cell of the plan at <paramref name="planPath"/> that has no record in <paramref name="resultsPath"/>,
    /// within <paramref name="deadline"/> when one is given: no cell starts that is not expected to finish by it, and
    /// the cells running at it are stopped (counted in <see cref="SweepRunSummary.Stopped"/>, not written as failures).
    /// <paramref name="progress"/> gets 1 per finished, stopped or skipped cell.
    /// </summary>
    public async Task<SweepRunSummary> RunAsync(
        string planPath,
        string resultsPath,
        string failuresPath,
        TrainerCommand trainer,
        int parallelism,
        SweepDeadline? deadline,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var plan = SweepPlanner.Read(planPath);
        var records = ReadRecords(resultsPath);
        var done = records.Select(r => r.CellId).ToHashSet(StringComparer.Ordinal);
        // Budget tiers, longest predicted first within a tier: a sweep stopped early leaves a balanced grid of the small
        // budgets across all datasets and shapes, and no core idles behind one long cell at the end.
        var pending = SweepSchedule.Order(plan, SweepPlanner.Pending(plan, done), CellCostModel.FromRecords(records));
        logger.LogInformation("{Pending} of {Planned} cells to train ({Done} already have a record in {Results})", pending.Length, plan.Count, plan.Count - pending.Length, resultsPath);
        var succeeded = 0;
        var failed = 0;
        var stopped = 0;
        var notStarted = 0;
        var claimed = 0;
        using var stop = deadline?.StopSource(cancellationToken);
        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (cell, ct) =>
            {
                using var claim = ClaimPending(cell, resultsPath);
                if (claim is null)
                {
                    Interlocked.Increment(ref claimed);
                    progress?.Report(1);
                    return;
                }

                var argv = trainer.Expand(cell, planPath, resultsPath);
                TrainingFailure? failure;
                if (deadline is null)
                {
                    failure = await RunCellAsync(cell, argv, resultsPath, claim, ct).ConfigureAwait(false);
                }
                else
                {
                    (var outcome, failure) = await RunCellBeforeDeadlineAsync(cell, argv, resultsPath, claim, deadline, stop!.Token, ct).ConfigureAwait(false);
                    if (outcome != DeadlineOutcome.Ran)
                    {
                        Interlocked.Increment(ref outcome == DeadlineOutcome.Stopped ? ref stopped : ref notStarted);
                        progress?.Report(1);
                        return;
                    }
                }

                if (failure is null)
                {
                    Interlocked.Increment(ref succeeded);
                    logger.LogInformation("cell {Index} {CellId}: done", cell.Index, cell.CellId);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    logger.LogWarning("cell {Index} {CellId}: {Reason} (see {Failures})", cell.Index, cell.CellId, failure.Reason, failuresPath);
                    JsonLinesFile.Append(failuresPath, failure, SweepJson.Default.TrainingFailure, ct);
                }

                progress?.Report(1);
            }).ConfigureAwait(false);
        if (deadline is not null)
        {
            logger.LogInformation("deadline {StopAt:O}: {Stopped} cells stopped, {NotStarted} not started (not expected to finish in time)", deadline.StopAt, stopped, notStarted);
        }

        return new SweepRunSummary(plan.Count, plan.Count - pending.Length, succeeded, failed, stopped, notStarted, claimed);
    }

    /// <summary>
    /// Runs <paramref name="cell"/> when it is expected to finish by the deadline, stopping it (process tree killed)
    /// when <paramref name="stop"/> fires at the deadline. A cell whose record is in the results file when it is
    /// stopped counts as trained.
    /// </summary>
    private async Task<(DeadlineOutcome Outcome, TrainingFailure? Failure)> RunCellBeforeDeadlineAsync(
        PlanCell cell, IReadOnlyList<string> argv, string resultsPath, CellClaim claim, SweepDeadline deadline, CancellationToken stop, CancellationToken outer)
    {
        if (stop.IsCancellationRequested || !deadline.CanStart(cell, DateTimeOffset.UtcNow))
        {
            logger.LogDebug("cell {Index} {CellId}: not started (expected {Expected:F0} s, deadline {StopAt:O})", cell.Index, cell.CellId, deadline.Expected(cell).TotalSeconds, deadline.StopAt);
            return (DeadlineOutcome.NotStarted, null);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var failure = await RunCellAsync(cell, argv, resultsPath, claim, stop).ConfigureAwait(false);
            deadline.Observe(cell, Stopwatch.GetElapsedTime(started));
            return (DeadlineOutcome.Ran, failure);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            if (TrainingRecordStore.CompletedCells([resultsPath]).Contains(cell.CellId))
            {
                return (DeadlineOutcome.Ran, null);
            }

            logger.LogWarning("cell {Index} {CellId}: stopped at the deadline after {Seconds:F0} s (no record; a rerun trains it)", cell.Index, cell.CellId, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return (DeadlineOutcome.Stopped, null);
        }
    }

    /// <summary>What <see cref="RunCellBeforeDeadlineAsync"/> did with a cell.</summary>
    private enum DeadlineOutcome
    {
        /// <summary>The trainer ran to its end (with or without a failure).</summary>
        Ran,

        /// <summary>Killed at the deadline, without a record.</summary>
        Stopped,

        /// <summary>Not expected to finish by the deadline, so never started.</summary>
        NotStarted,
    }

    /// <summary>The cells with a record; torn or damaged lines and cells recorded twice are logged as warnings.</summary>
    private IReadOnlyList<TrainingRecord> ReadRecords(string resultsPath)
    {
        var problems = new List<string>();
        var records = TrainingRecordStore.Read([resultsPath], problems);
        foreach (var problem in problems)
        {
            logger.LogWarning("{Problem}", problem);
        }

        return records;
    }

    /// <summary>
    /// The cell's claim, or null (said in a warning) when another run's trainer holds the cell or recorded it after this
    /// run read the results file.
    /// </summary>
    private CellClaim? ClaimPending(PlanCell cell, string resultsPath)
    {
        var claim = CellClaim.TryAcquire(resultsPath, cell.CellId, ClaimOwner, out var holder);
        if (claim is null)
        {
            logger.LogWarning("cell {Index} {CellId}: skipped, another trainer has it ({Holder})", cell.Index, cell.CellId, holder);
            return null;
        }

        if (TrainingRecordStore.CompletedCells([resultsPath]).Contains(cell.CellId))
        {
            claim.Dispose();
            logger.LogWarning("cell {Index} {CellId}: skipped, another run recorded it meanwhile", cell.Index, cell.CellId);
            return null;
        }

        return claim;
    }

    private static async Task<TrainingFailure?> RunCellAsync(PlanCell cell, IReadOnlyList<string> argv, string resultsPath, CellClaim claim, CancellationToken cancellationToken)
    {
        var commandText = string.Join(' ', argv.Select(Quote));
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        var tail = new Queue<string>();
        var gate = new Lock();
        int exitCode;
        try
        {
            using var process = new Process { StartInfo = start };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (gate)
                {
                    tail.Enqueue(e.Data);
                    if (tail.Count > StderrTailLines)
                    {
                        tail.Dequeue();
                    }
                }
            };
            process.OutputDataReceived += (_, _) => { };
            claim.StartHolding(process);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            exitCode = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return Failure(cell, -1, $"could not start '{argv[0]}': {ex.Message}", string.Empty, commandText);
        }

        string stderrTail;
        lock (gate)
        {
            stderrTail = string.Join('\n', tail);
        }

        if (exitCode != 0)
        {
            return Failure(cell, exitCode, string.Create(CultureInfo.InvariantCulture, $"trainer exited with code {exitCode}"), stderrTail, commandText);
        }

        return TrainingRecordStore.CompletedCells([resultsPath]).Contains(cell.CellId)
            ? null
            : Failure(cell, 0, "trainer exited with code 0 but wrote no record for the cell", stderrTail, commandText);
    }

    private static TrainingFailure Failure(PlanCell cell, int exitCode, string reason, string stderrTail, string command) => new()
    {
        CellId = cell.CellId,
        CellIndex = cell.Index,
        ExitCode = exitCode,
        Reason = reason,
        StderrTail = stderrTail,
        Command = command,
        FailedAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',' or '{' or '}')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
