using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PcfgLab.Sweeps;

/// <summary>What <see cref="SweepRunner.RunAsync"/> did.</summary>
/// <param name="Planned">Cells in the plan.</param>
/// <param name="AlreadyDone">Cells that had a record before the run (skipped).</param>
/// <param name="Succeeded">Cells trained in this run.</param>
/// <param name="Failed">Cells whose trainer failed (recorded in the failures file).</param>
/// <param name="Claimed">Cells skipped because another run's trainer held them, or recorded them meanwhile (<see cref="CellClaim"/>).</param>
public sealed record SweepRunSummary(int Planned, int AlreadyDone, int Succeeded, int Failed, int Claimed = 0);

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
    public async Task<SweepRunSummary> RunAsync(
        string planPath,
        string resultsPath,
        string failuresPath,
        TrainerCommand trainer,
        int parallelism,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var plan = SweepPlanner.Read(planPath);
        var done = CompletedCells(resultsPath);
        // Cheapest cells first (then plan order): a sweep stopped early leaves a balanced grid of the small budgets
        // and shapes across all datasets, rather than one dataset finished and the rest untouched.
        var pending = SweepPlanner.Pending(plan, done).OrderBy(c => c.Compute).ThenBy(c => c.Index).ToArray();
        logger.LogInformation("{Pending} of {Planned} cells to train ({Done} already have a record in {Results})", pending.Length, plan.Count, plan.Count - pending.Length, resultsPath);
        var succeeded = 0;
        var failed = 0;
        var claimed = 0;
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
                var failure = await RunCellAsync(cell, argv, resultsPath, claim, ct).ConfigureAwait(false);
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
        return new SweepRunSummary(plan.Count, plan.Count - pending.Length, succeeded, failed, claimed);
    }

    /// <summary>The cells with a record; torn or damaged lines and cells recorded twice are logged as warnings.</summary>
    private HashSet<string> CompletedCells(string resultsPath)
    {
        var problems = new List<string>();
        var records = TrainingRecordStore.Read([resultsPath], problems);
        foreach (var problem in problems)
        {
            logger.LogWarning("{Problem}", problem);
        }

        return records.Select(r => r.CellId).ToHashSet(StringComparer.Ordinal);
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
