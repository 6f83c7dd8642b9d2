namespace PcfgLab.Tests.Architecture;

/// <summary>
/// Keeps the folders two one-way wings that meet: the data wing Base → Grammars → Sampling → Floor → Storage →
/// Compression → Generation → Sweeps, the scaling wing Base → Scaling, joined at Analysis → Reporting (→ the CLI,
/// another assembly). A type that uses a type of a later folder or of the other wing fails
/// <see cref="Library_namespaces_use_only_earlier_ones"/> and names both types.
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
        var wrong = LayerChain.Single("PcfgLab", "PcfgLab.Base", "PcfgLab.Sampling", "PcfgLab.Grammars", "PcfgLab.Floor", "PcfgLab.Storage",
            "PcfgLab.Compression", "PcfgLab.Generation", "PcfgLab.Scaling", "PcfgLab.Sweeps", "PcfgLab.Analysis", "PcfgLab.Reporting");

        var violations = wrong.Violations(LibraryDependencies());

        Assert.Contains("PcfgLab.Sampling uses the later PcfgLab.Grammars: PcfgLab.Sampling.CompiledGrammar uses PcfgLab.Grammars.Grammar", violations);
    }

    [Fact]
    public void Violations_name_backward_and_unknown_uses_only()
    {
        var chain = LayerChain.Single("A", "B", "C");
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

    [Fact]
    public void The_scaling_wing_uses_nothing_but_base_and_the_data_wing_nothing_of_scaling()
    {
        var dependencies = LibraryDependencies();
        Assert.All(dependencies.Where(d => d.From == "PcfgLab.Scaling"), d => Assert.Equal("PcfgLab.Base", d.To));
        var dataWing = LayerChain.DataWing;
        Assert.DoesNotContain(dependencies, d => dataWing.Contains(d.From) && d.To == "PcfgLab.Scaling");

        // The wings do meet, at Analysis: it uses both.
        Assert.Contains(dependencies, d => d.From == "PcfgLab.Analysis" && d.To == "PcfgLab.Scaling");
        Assert.Contains(dependencies, d => d.From == "PcfgLab.Analysis" && d.To == "PcfgLab.Sweeps");
    }

    [Fact]
    public void A_use_across_the_wings_is_caught()
    {
        var wings = new LayerChain(["Base", "Data", "Sweeps"], ["Base", "Fit", "Sweeps"]);
        NamespaceDependency[] dependencies =
        [
            new("Fit", "Base", "Fit.X uses Base.Y"),
            new("Sweeps", "Data", "Sweeps.X uses Data.Y"),
            new("Sweeps", "Fit", "Sweeps.X uses Fit.Y"),
            new("Data", "Fit", "Data.X uses Fit.Y"),
            new("Fit", "Sweeps", "Fit.X uses Sweeps.Y"),
        ];

        Assert.Equal(
            ["Data uses Fit of the other wing: Data.X uses Fit.Y (the wings meet only where their chains join)", "Fit uses the later Sweeps: Fit.X uses Sweeps.Y"],
            wings.Violations(dependencies));
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
