using System.Globalization;

namespace PcfgLab.Sweeps;

/// <summary>
/// When a sweep must end (a device lent for a fixed time, a job's wall-clock limit). <see cref="SweepRunner"/> starts
/// no cell that is not expected to finish by <see cref="StopAt"/> and stops the cells still running then (their
/// process trees killed; counted as stopped, not as failures, so a rerun simply trains them).
/// </summary>
/// <remarks>
/// A cell's expected time is an affine guess from the cells already finished in this run: a fixed cost per cell (the
/// shortest time any cell took: the trainer's start-up) plus D times the slowest seconds per token measured for a cell
/// with the same N. A cell whose N has no measurement yet is expected to take no time, so it starts while time is
/// left; the stop at <see cref="StopAt"/> still bounds it.
/// </remarks>
public sealed class SweepDeadline
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, double> _secondsPerToken = [];
    private readonly List<(long Parameters, long Tokens, double Seconds)> _finished = [];
    private double _fixedSeconds = double.PositiveInfinity;

    /// <summary>A deadline at the absolute time <paramref name="stopAt"/>.</summary>
    public SweepDeadline(DateTimeOffset stopAt) => StopAt = stopAt;

    /// <summary>The time by which every cell has finished or been stopped.</summary>
    public DateTimeOffset StopAt { get; }

    /// <summary>
    /// Reads a deadline as a command line gives it: a number of seconds from <paramref name="now"/> (for example
    /// <c>540</c>) or an absolute ISO 8601 time with its offset (for example <c>2026-12-06T01:00:00Z</c>).
    /// </summary>
    public static SweepDeadline Parse(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                throw UserInputException.ForParameters($"{new Parameter("deadline")} '{text}' must be a positive number of seconds (for example 540).");
            }

            return new SweepDeadline(now + TimeSpan.FromSeconds(seconds));
        }

        if (text.Length > 10 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return new SweepDeadline(at);
        }

        throw UserInputException.ForParameters($"{new Parameter("deadline")} '{text}' is neither a number of seconds (540) nor a time such as 2026-12-06T01:00:00Z.");
    }

    /// <summary>How long <paramref name="cell"/> is expected to take, from the cells finished so far (zero without a measurement of its N).</summary>
    public TimeSpan Expected(PlanCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        lock (_gate)
        {
            return _secondsPerToken.TryGetValue(cell.Parameters, out var perToken)
                ? TimeSpan.FromSeconds(_fixedSeconds + (perToken * cell.Tokens))
                : TimeSpan.Zero;
        }
    }

    /// <summary>Whether <paramref name="cell"/>, started at <paramref name="now"/>, is expected to finish by <see cref="StopAt"/>.</summary>
    public bool CanStart(PlanCell cell, DateTimeOffset now) => now < StopAt && now + Expected(cell) <= StopAt;

    /// <summary>Records that <paramref name="cell"/> finished in <paramref name="took"/>.</summary>
    public void Observe(PlanCell cell, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(cell);
        lock (_gate)
        {
            _finished.Add((cell.Parameters, cell.Tokens, took.TotalSeconds));
            if (took.TotalSeconds < _fixedSeconds)
            {
                // A new fixed cost changes every rate: recompute them from all the cells seen.
                _fixedSeconds = took.TotalSeconds;
                _secondsPerToken.Clear();
                foreach (var (n, d, s) in _finished)
                {
                    Add(n, d, s);
                }
            }
            else
            {
                Add(cell.Parameters, cell.Tokens, took.TotalSeconds);
            }
        }
    }

    /// <summary>A token cancelled at <see cref="StopAt"/> or with <paramref name="outer"/>, whichever comes first.</summary>
    internal CancellationTokenSource StopSource(CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var left = StopAt - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            source.Cancel();
        }
        else
        {
            source.CancelAfter(left);
        }

        return source;
    }

    private void Add(long parameters, long tokens, double seconds)
    {
        var perToken = Math.Max(0, seconds - _fixedSeconds) / Math.Max(1, tokens);
        _secondsPerToken[parameters] = _secondsPerToken.TryGetValue(parameters, out var known) ? Math.Max(known, perToken) : perToken;
    }
}
