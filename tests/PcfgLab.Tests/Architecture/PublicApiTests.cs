using PcfgLab.Tests.Cli;

namespace PcfgLab.Tests.Architecture;

/// <summary>
/// The library's public types, against the approved list in Golden/public-api.txt: what a library user (the CLI
/// among them) needs. A type made public, or a public type removed, changes the list, so the change is a decision
/// reviewed in the diff (PCFGLAB_UPDATE_GOLDEN=1 rewrites it), never an accident.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void The_public_types_are_the_approved_ones()
    {
        var lines = typeof(PcfgLab.Grammars.Grammar).Assembly.GetExportedTypes()
            .Select(t => $"{Kind(t)} {t.FullName}")
            .Order(StringComparer.Ordinal);

        Golden.Check("public-api.txt", string.Join('\n', lines) + "\n");
    }

    [Fact]
    public void Building_blocks_that_only_the_library_uses_are_not_public()
    {
        var exported = typeof(PcfgLab.Grammars.Grammar).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet();

        // Random streams, the atomic writer, the sampler's inner loop, the report's renderers: implementation details.
        Assert.DoesNotContain("SplitMix64", exported);
        Assert.DoesNotContain("AtomicFile", exported);
        Assert.DoesNotContain("SentenceSampler", exported);
        Assert.DoesNotContain("ReportMarkdown", exported);
    }

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : "class";
}
