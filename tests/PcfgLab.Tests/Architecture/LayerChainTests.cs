namespace PcfgLab.Tests.Architecture;

/// <summary>
/// Keeps the folders a one-way chain: Base → Grammars → Sampling → Floor → Storage → Compression → Generation →
/// Scaling → Sweeps → Analysis → Reporting (→ the CLI, another assembly). A type that uses a type of a later folder
/// fails <see cref="Library_namespaces_use_only_earlier_ones"/> and names both types.
/// </summary>
public sealed class LayerChainTests
{
    private static readonly string LibraryPath = typeof(ToolInfo).Assembly.Location;

    private static IReadOnlyList<NamespaceDependency> LibraryDependencies() => NamespaceDependencies.Read(LibraryPath, "PcfgLab");

    [Fact]
    public void Library_namespaces_use_only_earlier_ones()
    {
        var violations = LayerChain.Library.Violations(LibraryDependencies());
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_cli_uses_the_library_and_nothing_in_the_library_uses_the_cli()
    {
        var cli = NamespaceDependencies.Read(typeof(PcfgLab.Cli.PcfgLabApp).Assembly.Location, "PcfgLab");
        Assert.Contains(cli, d => d.From == "PcfgLab.Cli" && d.To == "PcfgLab.Generation");
        Assert.DoesNotContain(LibraryDependencies(), d => d.To == "PcfgLab.Cli");
    }

    [Fact]
    public void The_reader_finds_known_uses_in_signatures_and_bodies()
    {
        var dependencies = LibraryDependencies();

        // A field and constructor parameter (CompiledGrammar holds the Grammar it compiles).
        Assert.Contains(dependencies, d => d.Where == "PcfgLab.Sampling.CompiledGrammar uses PcfgLab.Grammars.Grammar");

        // Only a method body (the builder draws from CPython's generator).
        Assert.Contains(dependencies, d => d.Where == "PcfgLab.Grammars.RandomGrammarBuilder uses PcfgLab.Base.PythonRandom");
    }

    [Fact]
    public void A_deliberately_wrong_order_is_caught()
    {
        // Sampling before Grammars: the sampler compiles grammars, so the real assembly must fail this order.
        var wrong = new LayerChain("PcfgLab", "PcfgLab.Base", "PcfgLab.Sampling", "PcfgLab.Grammars", "PcfgLab.Floor", "PcfgLab.Storage",
            "PcfgLab.Compression", "PcfgLab.Generation", "PcfgLab.Scaling", "PcfgLab.Sweeps", "PcfgLab.Analysis", "PcfgLab.Reporting");

        var violations = wrong.Violations(LibraryDependencies());

        Assert.Contains("PcfgLab.Sampling uses the later PcfgLab.Grammars: PcfgLab.Sampling.CompiledGrammar uses PcfgLab.Grammars.Grammar", violations);
    }

    [Fact]
    public void Violations_name_backward_and_unknown_uses_only()
    {
        var chain = new LayerChain("A", "B", "C");
        NamespaceDependency[] dependencies =
        [
            new("B", "A", "B.X uses A.Y"),
            new("A", "C", "A.Y uses C.Z"),
            new("C", "D", "C.Z uses D.W"),
        ];

        Assert.Equal(
            ["A uses the later C: A.Y uses C.Z", "D is not in the chain (C.Z uses D.W): add it to LayerChain.Library in pipeline order"],
            chain.Violations(dependencies));
    }

    [Theory]
    [InlineData("PcfgLab.Compression.Corpora", "PcfgLab.Compression")]
    [InlineData("PcfgLab.Storage", "PcfgLab.Storage")]
    [InlineData("PcfgLab", "PcfgLab")]
    [InlineData("PcfgLabX.Storage", null)]
    [InlineData("System.Text.RegularExpressions.Generated", null)]
    public void Sub_namespaces_count_as_their_folder(string ns, string? expected) =>
        Assert.Equal(expected, NamespaceDependencies.TopNamespace(ns, "PcfgLab"));
}
