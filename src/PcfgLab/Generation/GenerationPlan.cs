using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// A checked generation request: the dataset's layout, the shards this run writes, and the compiled grammar.
/// Made before any file exists, so that every refusal leaves the folder as it was.
/// </summary>
/// <param name="Layout">Documents, shards and row groups of the whole dataset.</param>
/// <param name="Shards">The shards this run writes, in order: one for a split run, all otherwise.</param>
/// <param name="Compiled">The renormalised grammar the fast profile samples.</param>
internal sealed record GenerationPlan(DatasetLayout Layout, int[] Shards, CompiledGrammar Compiled)
{
    /// <summary>
    /// Checks the request (see <see cref="GenerationValidation"/>, the layout's limits, the shard index and
    /// q_S = 0) and plans it; throws <see cref="UserInputException"/> with a one-line message.
    /// </summary>
    public static GenerationPlan For(DatasetGrammar grammar, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(options);
        GenerationValidation.Check(grammar, options);
        var layout = DatasetLayout.For(options.Tokens, options.DocumentLength, options.ShardCount, options.RowGroupDocuments);
        if (options.ShardIndex is int index && (index < 0 || index >= layout.ShardCount))
        {
            throw UserInputException.ForParameters($"{new Parameter("ShardIndex")} {index}/{layout.ShardCount} is out of range: the index runs from 0 to {layout.ShardCount - 1}.");
        }

        int[] shards = options.ShardIndex is int only ? [only] : [.. Enumerable.Range(0, layout.ShardCount)];

        // q_S = 0 (no finite sentence) is refused here, before any file exists.
        return new GenerationPlan(layout, shards, CompiledGrammar.Renormalised(grammar.Grammar));
    }
}
