namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// End-to-end runs with a wall-clock deadline (sweeps/gpu/run.sh): they run alone, after the parallel tests, so that
/// other test classes' work does not eat the time they measure.
/// </summary>
[CollectionDefinition(nameof(TimedScriptRuns), DisableParallelization = true)]
public sealed class TimedScriptRuns;
