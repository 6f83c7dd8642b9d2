namespace PcfgLab.Grammars;

/// <summary>One weighted rule A -&gt; rhs of a PCFG. The right-hand side is in <see cref="SymbolCode"/> form.</summary>
public sealed class Production
{
    /// <summary>Creates a production.</summary>
    /// <param name="lhs">Index of the left-hand-side nonterminal.</param>
    /// <param name="rhs">Right-hand-side symbol codes (terminals &gt;= 0, nonterminals ~index).</param>
    /// <param name="probability">The rule's probability given its left-hand side.</param>
    public Production(int lhs, int[] rhs, double probability)
    {
        ArgumentNullException.ThrowIfNull(rhs);
        Lhs = lhs;
        Rhs = rhs;
        Probability = probability;
    }

    /// <summary>Index of the left-hand-side nonterminal.</summary>
    public int Lhs { get; }

    /// <summary>Right-hand-side symbol codes (see <see cref="SymbolCode"/>).</summary>
    public IReadOnlyList<int> Rhs { get; }

    /// <summary>Probability of this rule given its left-hand side.</summary>
    public double Probability { get; }
}
