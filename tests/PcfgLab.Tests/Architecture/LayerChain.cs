namespace PcfgLab.Tests.Architecture;

/// <summary>
/// An order of namespaces, earliest first, in which each may use only itself and those before it: the library's
/// folders read as the pipeline, with no cycle.
/// </summary>
internal sealed class LayerChain
{
    private readonly string[] _layers;

    /// <param name="layers">Top namespaces, earliest first. A namespace absent from the list is a violation of its own.</param>
    public LayerChain(params string[] layers) => _layers = layers;

    /// <summary>The library's chain: base, then the pipeline's stages, then the report.</summary>
    public static LayerChain Library { get; } = new(
        "PcfgLab",
        "PcfgLab.Base",
        "PcfgLab.Grammars",
        "PcfgLab.Sampling",
        "PcfgLab.Floor",
        "PcfgLab.Storage",
        "PcfgLab.Compression",
        "PcfgLab.Generation",
        "PcfgLab.Scaling",
        "PcfgLab.Sweeps",
        "PcfgLab.Analysis",
        "PcfgLab.Reporting");

    /// <summary>The dependencies that go against the chain (a namespace using a later one) or touch an unlisted namespace.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<NamespaceDependency> dependencies)
    {
        var problems = new List<string>();
        foreach (var d in dependencies)
        {
            var from = Array.IndexOf(_layers, d.From);
            var to = Array.IndexOf(_layers, d.To);
            if (from < 0 || to < 0)
            {
                problems.Add($"{(from < 0 ? d.From : d.To)} is not in the chain ({d.Where}): add it to LayerChain.Library in pipeline order");
            }
            else if (to > from)
            {
                problems.Add($"{d.From} uses the later {d.To}: {d.Where}");
            }
        }

        return problems;
    }
}
