namespace PcfgLab.Benchmarks;

/// <summary>Anchors <c>BenchmarkSwitcher.FromAssembly</c> to this assembly.</summary>
public sealed class BenchmarkMarker
{
}
