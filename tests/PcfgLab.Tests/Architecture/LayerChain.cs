namespace PcfgLab.Tests.Architecture;

/// <summary>
/// The library's layers as chains of namespaces, earliest first: a namespace may use only itself and the namespaces
/// before it on a chain they share. Two chains that share their ends make two wings: a namespace on one wing only
/// may not use a namespace on the other wing only (no chain holds both), and the wings meet where the chains join.
/// </summary>
internal sealed class LayerChain
{
    private readonly string[][] _chains;

    /// <param name="chains">Chains of top namespaces, earliest first. A namespace on no chain is a violation of its own.</param>
    public LayerChain(params string[][] chains) => _chains = chains;

    /// <summary>A single chain (no wings).</summary>
    public static LayerChain Single(params string[] layers) => new(layers);

    /// <summary>Base and the data wing (up to Sweeps), earliest first.</summary>
    public static string[] DataWing { get; } =
    [
        "PcfgLab", "PcfgLab.Base", "PcfgLab.Grammars", "PcfgLab.Sampling", "PcfgLab.Floor", "PcfgLab.Storage",
        "PcfgLab.Compression", "PcfgLab.Generation", "PcfgLab.Sweeps",
    ];

    /// <summary>Base and the scaling wing.</summary>
    public static string[] ScalingWing { get; } = ["PcfgLab", "PcfgLab.Base", "PcfgLab.Scaling"];

    /// <summary>Where the wings meet, earliest first.</summary>
    public static string[] Junction { get; } = ["PcfgLab.Analysis", "PcfgLab.Reporting"];

    /// <summary>
    /// The library: Base, then two wings. The data wing makes datasets and trains on them (Grammars → Sampling → Floor →
    /// Storage → Compression → Generation → Sweeps, which plans cells on datasets and collects the runs); the scaling
    /// wing fits laws to runs (Scaling, which needs nothing but Base). They meet at Analysis (fits a sweep's runs,
    /// with the datasets' floors and gzip), then Reporting (renders).
    /// </summary>
    public static LayerChain Library { get; } = new(
        DataWing.Concat(Junction).ToArray(),
        ScalingWing.Concat(Junction).ToArray());

    /// <summary>
    /// The dependencies that go against a chain (a namespace using a later one), cross from one wing to the other, or
    /// touch a namespace on no chain.
    /// </summary>
    public IReadOnlyList<string> Violations(IEnumerable<NamespaceDependency> dependencies)
    {
        var problems = new List<string>();
        foreach (var d in dependencies)
        {
            var fromKnown = _chains.Any(c => Array.IndexOf(c, d.From) >= 0);
            var toKnown = _chains.Any(c => Array.IndexOf(c, d.To) >= 0);
            if (!fromKnown || !toKnown)
            {
                problems.Add($"{(!fromKnown ? d.From : d.To)} is not in the chain ({d.Where}): add it to LayerChain.Library in pipeline order");
                continue;
            }

            var shared = _chains.Where(c => Array.IndexOf(c, d.From) >= 0 && Array.IndexOf(c, d.To) >= 0).ToArray();
            if (shared.Length == 0)
            {
                problems.Add($"{d.From} uses {d.To} of the other wing: {d.Where} (the wings meet only where their chains join)");
            }
            else if (shared.All(c => Array.IndexOf(c, d.To) > Array.IndexOf(c, d.From)))
            {
                problems.Add($"{d.From} uses the later {d.To}: {d.Where}");
            }
        }

        return problems;
    }
}
