namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Tests that leave a worker spinning on a core until the process ends (Parquet.Net 6.1.0's footer reader reads a
/// varint past the end of a damaged footer for ever; it cannot be stopped, only abandoned): they run alone and last
/// (<see cref="SlowCollectionsFirst"/>), so that no other test shares its processor with the spin.
/// </summary>
[CollectionDefinition(nameof(LeavesASpinningWorker), DisableParallelization = true)]
public sealed class LeavesASpinningWorker;
