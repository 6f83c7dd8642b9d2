using System.Text.RegularExpressions;
using PcfgLab.Cli;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Cli;

public sealed partial class ParameterFlagsTests
{
    [Theory]
    [InlineData(null, "DocumentLength", "--doc-len")]
    [InlineData(null, "documentLength", "--doc-len")]
    [InlineData("generate", "Profile", "--compat")]
    [InlineData("fit", "Resamples", "--bootstrap")]
    [InlineData("predict", "PredictionIntervalOptions.Resamples", "--intervals")]
    [InlineData("regress", "DataDependentAnalysisOptions.Flops", "--at-flops")]
    [InlineData("fit", "RunColumnMap.Flops", "--flops-column")]
    [InlineData("fit", "RunColumnMap.Tokens", "--tokens-column")]
    [InlineData("fit", "RunColumnMap.Compressibility", "--h-column")]
    [InlineData("generate", "File", "--grammar")]
    [InlineData("grammar info", "File", "FILE")]
    [InlineData("grammar new", "file", "--grammar")]
    [InlineData(null, "SomethingNew", "--something-new")]
    public void Names_a_parameter_as_the_command_line_does(string? command, string parameter, string expected) =>
        Assert.Equal(expected, ParameterFlags.Of(command, parameter));

    [Fact]
    public void Every_parameter_the_library_names_has_a_flag_of_its_own()
    {
        // The names are read from the library's source: the literal ones and those of the grammar's sizes.
        var names = new SortedSet<string>(StringComparer.Ordinal) { "Nonterminals", "Terminals", "MaxOptions", "MaxLength", "HoldoutAboveFlops", "HoldoutAboveN" };
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SharedFiles.RepositoryRoot, "src", "PcfgLab"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in LiteralParameter().Matches(File.ReadAllText(file)))
            {
                names.Add(match.Groups[1].Value);
            }
        }

        Assert.True(names.Count > 40, $"only {names.Count} names found: is the source where the test looks?");
        Assert.DoesNotContain(names, name => !ParameterFlags.IsNamed(name));
    }

    [Fact]
    public void A_parameter_error_is_said_with_flags_and_any_other_error_as_it_is()
    {
        var error = UserInputException.ForParameters($"{new Parameter("ShardIndex")} cannot be used with {new Parameter("Profile")} reference");

        Assert.Equal("--shard cannot be used with --compat reference", ParameterFlags.Message(error, "generate"));
        Assert.Equal("disk full", ParameterFlags.Message(new IOException("disk full"), "generate"));
    }

    [GeneratedRegex("new Parameter\\(\"([^\"]+)\"\\)")]
    private static partial Regex LiteralParameter();
}
