using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace PcfgLab.Cli;

/// <summary>
/// What every command needs from the process: stdout for results, stderr for logs and progress, a logger
/// factory, and whether a progress bar may be drawn. Tests pass string writers.
/// </summary>
internal sealed class CliContext : IDisposable
{
    public CliContext(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(LogLevel.Information);
            b.AddProvider(new TextWriterLoggerProvider(error));
        });
    }

    /// <summary>Results (tables, JSON) go here.</summary>
    public TextWriter Output { get; }

    /// <summary>Logs, progress and errors go here.</summary>
    public TextWriter Error { get; }

    /// <summary>True when stderr is a terminal and CI is unset: only then is a progress bar drawn.</summary>
    public bool Interactive { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger CreateLogger(string category) => LoggerFactory.CreateLogger(category);

    /// <summary>How this run describes itself to a second run that finds its output folder locked.</summary>
    public string Owner(string command) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{command}, process {Environment.ProcessId} on {Environment.MachineName}");

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr when interactive, without one otherwise.</summary>
    /// <param name="title">What is being done.</param>
    /// <param name="total">Units of work in all.</param>
    /// <param name="work">The work; it reports finished units through the given callback (thread-safe).</param>
    public async Task<T> WithProgressAsync<T>(string title, double total, Func<IProgress<double>, Task<T>> work)
    {
        if (!Interactive)
        {
            return await work(new NullProgress()).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(total, 1));
                result = await work(new ProgressAdapter(task)).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    public void Dispose() => LoggerFactory.Dispose();

    private sealed class NullProgress : IProgress<double>
    {
        public void Report(double value)
        {
        }
    }

    private sealed class ProgressAdapter(ProgressTask task) : IProgress<double>
    {
        private readonly Lock _gate = new();

        public void Report(double value)
        {
            lock (_gate)
            {
                task.Increment(value);
            }
        }
    }
}

/// <summary>A minimal synchronous logger writing one line per message to a <see cref="TextWriter"/> (stderr).</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new WriterLogger(this);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }

    private sealed class WriterLogger(TextWriterLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Warning => "warn: ",
                LogLevel.Error or LogLevel.Critical => "error: ",
                _ => string.Empty,
            };
            owner.Write(level + formatter(state, exception));
        }
    }
}
