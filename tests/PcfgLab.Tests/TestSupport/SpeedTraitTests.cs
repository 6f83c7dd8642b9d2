using System.Reflection;
using PcfgLab.Tests.Analysis;
using PcfgLab.Tests.Cli;
using PcfgLab.Tests.Scripts;

namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// The slow tests carry <c>[Trait("Speed", "slow")]</c>, so that <c>dotnet test --filter "Speed!=slow"</c> runs the
/// fast ones alone: the trait is spelled one way everywhere (a "Slow" would slip through the filter), and the classes
/// that publish or run the native binary or build whole fitted reports carry it.
/// </summary>
public sealed class SpeedTraitTests
{
    // xunit 2's TraitAttribute keeps its name and value as constructor arguments only.
    private static IEnumerable<CustomAttributeData> Traits(MemberInfo member) =>
        member.CustomAttributes.Where(a => a.AttributeType == typeof(TraitAttribute));

    [Fact]
    public void Every_speed_trait_reads_Speed_slow()
    {
        var members = typeof(SpeedTraitTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Cast<MemberInfo>().Append(t));
        var traits = members.SelectMany(m => Traits(m).Select(a => (Member: m, Name: (string)a.ConstructorArguments[0].Value!, Value: (string)a.ConstructorArguments[1].Value!))).ToArray();

        Assert.NotEmpty(traits);
        Assert.All(traits, t => Assert.Equal(("Speed", "slow"), (t.Name, t.Value)));
    }

    [Theory]
    [InlineData(typeof(NativeBinaryTests))]
    [InlineData(typeof(RunSweepScriptsTests))]
    [InlineData(typeof(StudyReportBuilderTests))]
    public void The_slow_classes_carry_the_trait(Type type)
    {
        var trait = Assert.Single(Traits(type));

        Assert.Equal(["Speed", "slow"], trait.ConstructorArguments.Select(a => (string)a.Value!));
    }
}
