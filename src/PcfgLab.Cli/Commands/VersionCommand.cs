using System.CommandLine;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab version</c>: prints the tool version.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("version", "Print the tool version.");
        command.SetAction(_ =>
        {
            context.Output.WriteLine($"{ToolInfo.Name} {ToolInfo.Version}");
            return 0;
        });
        return command;
    }
}
