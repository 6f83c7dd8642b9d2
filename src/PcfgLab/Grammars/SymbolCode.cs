namespace PcfgLab.Grammars;

/// <summary>
/// Encodes a right-hand-side symbol as one <see cref="int"/> so hot paths never touch objects:
/// a terminal is its token id (&gt;= 0), a nonterminal with index i is <c>~i</c> (&lt; 0).
/// </summary>
internal static class SymbolCode
{
    /// <summary>The code of terminal token <paramref name="tokenId"/>.</summary>
    public static int Terminal(int tokenId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenId);
        return tokenId;
    }

    /// <summary>The code of the nonterminal with index <paramref name="index"/>.</summary>
    public static int Nonterminal(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return ~index;
    }

    /// <summary>True when <paramref name="code"/> names a nonterminal.</summary>
    public static bool IsNonterminal(int code) => code < 0;

    /// <summary>The nonterminal index of a nonterminal code.</summary>
    public static int NonterminalIndex(int code) => ~code;
}
