using System.CommandLine;

namespace PcfgLab.Cli;

/// <summary>Builds the <c>pcfglab</c> command tree and runs it with one-line errors and exit codes.</summary>
internal static class PcfgLabApp
{
    /// <summary>Exit code for bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a failure that is not the user's input.</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool? interactive = null)
    {
        var isInteractive = interactive ?? (!Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));
        using var context = new CliContext(output, error, isInteractive);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
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

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            await error.WriteLineAsync("error: " + OneLine(ex.Message)).ConfigureAwait(false);
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("error: cancelled").ConfigureAwait(false);
            return 130;
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

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
