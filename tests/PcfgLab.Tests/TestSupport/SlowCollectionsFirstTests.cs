using PcfgLab.Tests.Cli;
using PcfgLab.Tests.Cli.Commands;
using PcfgLab.Tests.Scripts;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PcfgLab.Tests.TestSupport;

public sealed class SlowCollectionsFirstTests
{
    private static readonly SlowCollectionsFirst Orderer = new();

    private static ITestCollection Collection(string displayName) =>
        new TestCollection(new TestAssembly(Reflector.Wrap(typeof(SlowCollectionsFirstTests).Assembly)), null, displayName);

    private static string ClassCollection(Type type) => "Test collection for " + type.FullName;

    [Fact]
    public void Classes_or_named_collections_with_a_slow_class_or_test_are_slow_and_no_others()
    {
        Assert.Contains(ClassCollection(typeof(RunSweepScriptsTests)), Orderer.Slow); // the class carries the trait
        Assert.Contains(ClassCollection(typeof(SweepCommandTests)), Orderer.Slow); // two of its tests carry it
        Assert.Contains(nameof(TimedScriptRuns), Orderer.Slow); // GpuRunScriptTests' named collection
        Assert.Contains(NamedSlowExample.Name, Orderer.Slow);
        Assert.DoesNotContain(ClassCollection(typeof(NamedSlowExample)), Orderer.Slow);
        Assert.DoesNotContain(ClassCollection(typeof(SlowCollectionsFirstTests)), Orderer.Slow);
        Assert.DoesNotContain(ClassCollection(typeof(SpeedTraitTests)), Orderer.Slow);
    }

    /// <summary>Not a test class (no test method): only the orderer reads its attributes.</summary>
    [Collection(Name)]
    private sealed class NamedSlowExample
    {
        public const string Name = "named slow example";

        [Trait("Speed", "slow")]
        public void Example()
        {
        }
    }

    [Fact]
    public void Slow_collections_come_first_and_each_group_keeps_its_order()
    {
        var fast1 = Collection(ClassCollection(typeof(SlowCollectionsFirstTests)));
        var slow1 = Collection(ClassCollection(typeof(SweepCommandTests)));
        var fast2 = Collection(ClassCollection(typeof(SpeedTraitTests)));
        var slow2 = Collection(ClassCollection(typeof(NativeBinaryTests)));

        var ordered = Orderer.OrderTestCollections([fast1, slow1, fast2, slow2]).ToArray();

        Assert.Equal([slow1, slow2, fast1, fast2], ordered);
    }

    [Fact]
    public void The_collection_that_leaves_a_spinning_worker_runs_last_even_if_slow()
    {
        var spinning = Collection(nameof(LeavesASpinningWorker));
        var fast = Collection(ClassCollection(typeof(SlowCollectionsFirstTests)));
        var slow = Collection(ClassCollection(typeof(SweepCommandTests)));

        Assert.Equal([slow, fast, spinning], Orderer.OrderTestCollections([spinning, fast, slow]));
        Assert.Equal([slow, fast, spinning], new SlowCollectionsFirst(typeof(SlowCollectionsFirst).Assembly).OrderTestCollections([fast, spinning, slow]));
    }

    [Fact]
    public void The_test_assembly_orders_its_collections_with_it()
    {
        var attribute = Assert.Single(typeof(SlowCollectionsFirst).Assembly.CustomAttributes, a => a.AttributeType == typeof(TestCollectionOrdererAttribute));

        Assert.Equal(
            [typeof(SlowCollectionsFirst).FullName, typeof(SlowCollectionsFirst).Assembly.GetName().Name],
            attribute.ConstructorArguments.Select(a => (string?)a.Value));
    }
}
