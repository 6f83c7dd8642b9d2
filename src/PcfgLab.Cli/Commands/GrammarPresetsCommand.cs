using System.CommandLine;
using PcfgLab.Grammars;

namespace PcfgLab.Cli.Commands;

/// <summary><c>pcfglab grammar presets</c>: the named grammar specs.</summary>
internal static class GrammarPresetsCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Option<bool>("--names") { Description = "Print only the names, one per line (for scripts)." };
        var group = new Option<string?>("--group") { Description = $"Only this series: {GrammarPresets.StudyGroup}, {GrammarPresets.IsoVocabularyGroup} or {GrammarPresets.EqualCompressibilityGroup}." };
        group.AcceptOnlyFromAmong(GrammarPresets.StudyGroup, GrammarPresets.IsoVocabularyGroup, GrammarPresets.EqualCompressibilityGroup);
        var command = new Command("presets", "List the named grammar specs (the study's six first), the one list every command and script uses.") { names, group };
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(group);
            var presets = GrammarPresets.All.Where(p => wanted is null || p.Group == wanted).ToArray();
            if (parse.GetValue(names))
            {
                foreach (var preset in presets)
                {
                    context.Output.WriteLine(preset.Name);
                }
            }
            else
            {
                var table = CliTable.WithoutHeader(4);
                foreach (var preset in presets)
                {
                    table.Add([preset.Name, preset.Group, preset.Spec.ToString(), preset.Description]);
                }

                table.Write(context.Output);
            }

            return 0;
        });
        return command;
    }
}
