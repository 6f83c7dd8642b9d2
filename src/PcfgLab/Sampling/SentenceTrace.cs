namespace PcfgLab.Sampling;

/// <summary>One fully sampled sentence with facts about its derivation, for tests and analysis.</summary>
/// <param name="Tokens">The sentence's terminal token ids, left to right.</param>
/// <param name="Expansions">Number of nonterminal expansions, the start symbol's own included.</param>
/// <param name="Log2Probability">log2 of the derivation's probability under the renormalised grammar.</param>
internal sealed record SentenceTrace(int[] Tokens, long Expansions, double Log2Probability);
