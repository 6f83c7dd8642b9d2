using System.CommandLine;

namespace PcfgLab.Cli;

/// <summary>The top-level commands. Each command group lives in its own file under Commands/.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Commands.VersionCommand.Create(context);
        yield return Commands.GenerateCommand.Create(context);
        yield return Commands.ExportCommand.Create(context);
        yield return Commands.GzipCommand.Create(context);
        yield return Commands.FloorCommand.Create(context);
        yield return Commands.DatasetCommands.Create(context);
        yield return Commands.SweepCommand.Create(context);
        yield return Commands.GrammarCommands.Create(context);
        yield return Commands.FitCommand.Create(context);
        yield return Commands.RegressCommand.Create(context);
        yield return Commands.PredictCommand.Create(context);
        yield return Commands.IsoFlopCommand.Create(context);
        yield return Commands.ExtrapolateCommand.Create(context);
    }
}
