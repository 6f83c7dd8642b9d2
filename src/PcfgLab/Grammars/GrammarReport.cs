namespace PcfgLab.Grammars;

/// <summary>How a grammar's expected number of offspring per expansion compares with 1.</summary>
public enum Criticality
{
    /// <summary>Spectral radius of the mean matrix below 1: derivations are finite with probability 1.</summary>
    Subcritical,

    /// <summary>Spectral radius within 1e-9 of 1: finite with probability 1 but of infinite expected size.</summary>
    Critical,

    /// <summary>Spectral radius above 1: some derivations may never finish.</summary>
    Supercritical,
}

/// <summary>The probability that one nonterminal derives a finite tree.</summary>
/// <param name="Name">The nonterminal's name.</param>
/// <param name="Q">q_A, the probability that it derives a finite tree.</param>
public sealed record NonterminalTermination(string Name, double Q);

/// <summary>
/// What <see cref="GrammarAnalysis.Analyze"/> finds about a grammar: its size, useless nonterminals, the branching
/// verdict, the termination probabilities, and expectations of the grammar conditioned on finite derivations (the
/// distribution the reference and PcfgLab's samplers draw from).
/// </summary>
public sealed record GrammarReport
{
    /// <summary>Name of the start symbol.</summary>
    public required string StartSymbol { get; init; }

    /// <summary>Spec and seed that made the grammar, when known.</summary>
    public required GrammarOrigin? Origin { get; init; }

    /// <summary>Number of nonterminals, the start symbol included.</summary>
    public required int NonterminalCount { get; init; }

    /// <summary>Number of distinct terminals used by some rule.</summary>
    public required int TerminalCount { get; init; }

    /// <summary>Number of rules.</summary>
    public required int RuleCount { get; init; }

    /// <summary>Longest right-hand side, in symbols.</summary>
    public required int MaxRhsLength { get; init; }

    /// <summary>Nonterminals no derivation from the start symbol can reach (through rules of positive probability).</summary>
    public required IReadOnlyList<string> UnreachableNonterminals { get; init; }

    /// <summary>Nonterminals that cannot derive any terminal string (q = 0).</summary>
    public required IReadOnlyList<string> UnproductiveNonterminals { get; init; }

    /// <summary>Spectral radius of the mean matrix M[A,B] = sum over rules of A of p * (occurrences of B).</summary>
    public required double SpectralRadius { get; init; }

    /// <summary>Subcritical, critical or supercritical, from <see cref="SpectralRadius"/>.</summary>
    public required Criticality Criticality { get; init; }

    /// <summary>q_S, the probability that a derivation from the start symbol is finite.</summary>
    public required double StartTerminationProbability { get; init; }

    /// <summary>True when q_S = 1 (within 1e-9): the rule probabilities define a probability distribution over sentences.</summary>
    public required bool IsConsistent { get; init; }

    /// <summary>q for every nonterminal, by index.</summary>
    public required IReadOnlyList<NonterminalTermination> TerminationProbabilities { get; init; }

    /// <summary>
    /// Spectral radius of the mean matrix of the conditioned grammar (p'(A -&gt; a) = p * prod q_B / q_A), restricted
    /// to what the start symbol reaches; NaN when q_S = 0.
    /// </summary>
    public required double ConditionedSpectralRadius { get; init; }

    /// <summary>True when the conditioned grammar is critical, so the expectations below are infinite.</summary>
    public required bool ConditionedIsCritical { get; init; }

    /// <summary>Expected sentence length in terminals under the conditioned grammar (+infinity when critical, NaN when q_S = 0).</summary>
    public required double ExpectedSentenceLength { get; init; }

    /// <summary>Expected number of nonterminal expansions per sentence, the start symbol's own included.</summary>
    public required double ExpectedDerivationSize { get; init; }

    /// <summary>Entropy of the conditioned grammar's derivations, in bits per sentence.</summary>
    public required double DerivationEntropyBits { get; init; }

    /// <summary>Derivation entropy per terminal token, in bits (<see cref="DerivationEntropyBits"/> / <see cref="ExpectedSentenceLength"/>).</summary>
    public required double EntropyPerTokenBits { get; init; }
}
