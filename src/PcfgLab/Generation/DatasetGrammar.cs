using PcfgLab.Grammars;

namespace PcfgLab.Generation;

/// <summary>The grammar of a dataset and where it came from (see <see cref="GrammarSource"/>).</summary>
/// <param name="Grammar">The grammar (for the reference profile, the reference's own, terminal ids from 0).</param>
/// <param name="Spec">The random spec that made it, or null for a grammar file.</param>
/// <param name="Preset">The preset's name, when it came from one.</param>
/// <param name="Source"><c>spec</c>, <c>preset</c>, <c>dial</c>, or <c>file</c> and the grammar file's name.</param>
public sealed record DatasetGrammar(Grammar Grammar, GrammarSpec? Spec, string? Preset, string Source)
{
    /// <summary>What the grammar is, in words, for a person: the file's path, or the preset or spec and its seed.</summary>
    public string Description
    {
        get => field ?? Spec?.ToString() ?? Source;
        init;
    }
}
