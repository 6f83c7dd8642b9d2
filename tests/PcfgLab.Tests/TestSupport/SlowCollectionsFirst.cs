using System.Reflection;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("PcfgLab.Tests.TestSupport.SlowCollectionsFirst", "PcfgLab.Tests")]

namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Starts the test collections that hold a <c>[Trait("Speed", "slow")]</c> class or test before the others, keeping
/// xunit's order within each group, and runs <see cref="LeavesASpinningWorker"/> last of all. Why: on two cores a
/// slow class that happened to start late (the run-sweep scripts, 70 s) ran alone at the end of the parallel phase
/// while the other worker idled; started first, it overlaps the many short classes. A test that leaves a spinning
/// worker behind took a core from every test after it.
/// </summary>
public sealed class SlowCollectionsFirst : ITestCollectionOrderer
{
    private readonly HashSet<string> _slow;

    /// <summary>The orderer xunit makes: the slow collections are read from this test assembly.</summary>
    public SlowCollectionsFirst()
        : this(typeof(SlowCollectionsFirst).Assembly)
    {
    }

    /// <summary>An orderer whose slow collections are read from <paramref name="assembly"/>.</summary>
    public SlowCollectionsFirst(Assembly assembly) => _slow = SlowCollectionNames(assembly);

    /// <summary>Display names of the collections that hold a slow class or test.</summary>
    public IReadOnlySet<string> Slow => _slow;

    /// <inheritdoc />
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var all = testCollections.ToArray();
        static bool Last(ITestCollection c) => c.DisplayName == nameof(LeavesASpinningWorker);
        return all.Where(c => !Last(c) && _slow.Contains(c.DisplayName))
            .Concat(all.Where(c => !Last(c) && !_slow.Contains(c.DisplayName)))
            .Concat(all.Where(Last));
    }

    private static HashSet<string> SlowCollectionNames(Assembly assembly)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            if (IsSlow(type) || methods.Any(IsSlow))
            {
                names.Add(CollectionName(type));
            }
        }

        return names;
    }

    // xunit 2 names a class's own collection "Test collection for <full name>"; [Collection("x")] names it "x".
    private static string CollectionName(Type type)
    {
        var collection = type.CustomAttributes.FirstOrDefault(a => a.AttributeType == typeof(CollectionAttribute));
        return collection is null ? "Test collection for " + type.FullName : (string)collection.ConstructorArguments[0].Value!;
    }

    private static bool IsSlow(MemberInfo member) =>
        member.CustomAttributes.Any(a => a.AttributeType == typeof(TraitAttribute)
            && a.ConstructorArguments.Count == 2
            && (string?)a.ConstructorArguments[0].Value == "Speed"
            && (string?)a.ConstructorArguments[1].Value == "slow");
}
