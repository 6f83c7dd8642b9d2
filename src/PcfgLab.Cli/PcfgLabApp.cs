using System.CommandLine;

namespace PcfgLab.Cli;

/// <summary>Builds the <c>pcfglab</c> command tree and runs it with one-line errors and exit codes.</summary>
internal static class PcfgLabApp
{
    /// <summary>Exit code for bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure that is not the user's input.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for an unexpected exception (a bug): EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;

    /// <summary>
    /// Exit code when a native library the command needs cannot be loaded (sysexits' EX_UNAVAILABLE): the native
    /// binary carries libSkiaSharp.so and libHarfBuzzSharp.so beside it for figures, and a copy of the executable alone
    /// lacks them.
    /// </summary>
    public const int Unavailable = 69;

    /// <summary>Exit code after Ctrl+C (128 + SIGINT), as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// How long a cancelled command may take to remove its temporary files after Ctrl+C before the process ends.
    /// System.CommandLine's default (2 s) can end the process while a writer is still deleting its partial file.
    /// </summary>
    public static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(30);

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool? interactive = null) =>
        RunAsync(args, output, error, interactive, BuildRoot);

    /// <summary>Runs <paramref name="args"/> against the root that <paramref name="buildRoot"/> makes (tests add commands).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool? interactive, Func<CliContext, RootCommand> buildRoot)
    {
        // Read before parsing, so that a failure while building or parsing still honours it.
        var debug = Array.IndexOf(args, DebugFlag) >= 0;
        var operation = "pcfglab";
        try
        {
            // On Unix, .NET decodes arguments as UTF-8 and turns invalid bytes into U+FFFD: such a path would name
            // another file (an output written elsewhere, an existing input "missing"). Refuse instead of guessing.
            if (Array.FindIndex(args, a => a.Contains(Utf8Replacement, StringComparison.Ordinal)) is var bad and >= 0)
            {
                await error.WriteLineAsync($"error: argument {bad + 1} ('{OneLine(args[bad])}') is not valid UTF-8 (its bytes were replaced by U+FFFD): pcfglab cannot name such a file or value faithfully; rename it to UTF-8 and run again").ConfigureAwait(false);
                return UsageError;
            }

            var isInteractive = interactive ?? (!Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));
            using var context = new CliContext(output, error, isInteractive);
            var root = buildRoot(context);
            root.Options.Add(new Option<bool>(DebugFlag)
            {
                Description = "On an unexpected failure, print the stack trace as well as the one-line error.",
                Recursive = true,
            });
            var parse = root.Parse(args);
            operation = parse.CommandResult.Command is RootCommand ? "pcfglab" : "pcfglab " + CommandPath(parse.CommandResult.Command, parse);
            return await InvokeAsync(parse, output, error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The last guard: no exception reaches the user as a stack trace unless --debug asks for it.
            await error.WriteLineAsync($"error: '{operation}' failed unexpectedly: {ex.GetType().Name}: {OneLine(ex.Message)} "
                + (debug ? "(trace follows; please report it)" : "(this is a bug; run again with --debug to see the trace and report it)")).ConfigureAwait(false);
            if (debug)
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return InternalError;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("error: cancelled").ConfigureAwait(false);
            return Cancelled;
        }
    }

    /// <summary>What .NET puts in place of bytes that are not UTF-8 when it decodes arguments.</summary>
    private const char Utf8Replacement = '\uFFFD';

    /// <summary>The option that prints the stack trace of an unexpected failure.</summary>
    public const string DebugFlag = "--debug";

    private static async Task<int> InvokeAsync(ParseResult parse, TextWriter output, TextWriter error)
    {
        if (parse.Errors.Count > 0)
        {
            // One line per problem and where to look, instead of the whole help text on stdout.
            var command = parse.CommandResult.Command;
            var path = command is RootCommand ? "pcfglab" : "pcfglab " + CommandPath(command, parse);
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"error: {OneLine(problem.Message)} (see '{path} --help')").ConfigureAwait(false);
            }

            return UsageError;
        }

        var config = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = CancellationGrace,
        };
        try
        {
            return await parse.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            // The library names parameters by its own names; the line says them as flags.
            await error.WriteLineAsync("error: " + OneLine(ParameterFlags.Message(ex, CommandPath(parse.CommandResult.Command, parse)))).ConfigureAwait(false);
            return UsageError;
        }
        catch (Exception ex) when (MissingNativeLibrary(ex) is { } missing)
        {
            await error.WriteLineAsync($"error: this command needs the native library '{missing}', which could not be loaded: "
                + "copy libSkiaSharp.so and libHarfBuzzSharp.so from pcfglab's publish folder next to the executable "
                + "(figures are drawn with them)").ConfigureAwait(false);
            return Unavailable;
        }
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("PcfgLab: random PCFG datasets, gzip compressibility and data-dependent scaling laws.");
        foreach (var command in CommandCatalog.Create(context))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static string CommandPath(Command command, ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        return names.Count == 0 ? command.Name : string.Join(' ', names);
    }

    private static bool IsUserError(Exception ex) =>
        ex is UserInputException or ArgumentException or IOException or UnauthorizedAccessException
            or InvalidDataException or FormatException or System.Text.Json.JsonException;

    /// <summary>The library named by a <see cref="DllNotFoundException"/> inside <paramref name="ex"/> (type initialisers wrap it), or null.</summary>
    internal static string? MissingNativeLibrary(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException dll)
            {
                var start = dll.Message.IndexOf('\'', StringComparison.Ordinal);
                var end = start < 0 ? -1 : dll.Message.IndexOf('\'', start + 1);
                return end > start ? dll.Message[(start + 1)..end] : "(unnamed)";
            }
        }

        return null;
    }

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
