using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Exact probabilities by brute force, independent of the Earley parser: every leftmost derivation of the grammar
/// conditioned on finite derivations is enumerated depth first and its probability summed when it yields the string
/// (or a string that starts with the prefix). A partial derivation whose probability falls below the cutoff is not
/// followed; its probability is added to <see cref="Bounds.Dropped"/>, so the true value lies in
/// [Value, Value + Dropped] exactly.
/// </summary>
internal static class DerivationEnumeration
{
    /// <summary>A probability known to lie in [Value, Value + Dropped].</summary>
    public readonly record struct Bounds(double Value, double Dropped);

    /// <summary>P(sentence starts with <paramref name="prefix"/>).</summary>
    public static Bounds Prefix(CompiledGrammar grammar, int[] prefix, double cutoff = 1e-13) =>
        Run(grammar, prefix, whole: false, cutoff);

    /// <summary>P(sentence = <paramref name="sentence"/>).</summary>
    public static Bounds Sentence(CompiledGrammar grammar, int[] sentence, double cutoff = 1e-13) =>
        Run(grammar, sentence, whole: true, cutoff);

    /// <summary>Every sentence of at most <paramref name="maxLength"/> tokens with its probability (finite-language use).</summary>
    public static Dictionary<string, double> AllSentences(CompiledGrammar grammar, int maxLength, double cutoff = 1e-15)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var source = grammar.Source;
        var stack = new List<int> { SymbolCode.Nonterminal(source.Start) };
        Walk(grammar, stack, [], 1.0, maxLength, cutoff, result);
        return result;
    }

    private static void Walk(CompiledGrammar grammar, List<int> pending, List<int> output, double probability, int maxLength, double cutoff, Dictionary<string, double> result)
    {
        if (pending.Count == 0)
        {
            var key = string.Join(' ', output);
            result[key] = result.GetValueOrDefault(key) + probability;
            return;
        }

        if (output.Count + pending.Count > maxLength || probability < cutoff)
        {
            return;
        }

        var top = pending[^1];
        pending.RemoveAt(pending.Count - 1);
        if (top >= 0)
        {
            output.Add(top);
            Walk(grammar, pending, output, probability, maxLength, cutoff, result);
            output.RemoveAt(output.Count - 1);
        }
        else
        {
            var a = SymbolCode.NonterminalIndex(top);
            var rules = grammar.Source.RulesOf(a);
            var p = grammar.RenormalisedProbabilities(a);
            for (var r = 0; r < rules.Count; r++)
            {
                if (p[r] > 0)
                {
                    var rhs = rules[r].Rhs;
                    for (var k = rhs.Count - 1; k >= 0; k--)
                    {
                        pending.Add(rhs[k]);
                    }

                    Walk(grammar, pending, output, probability * p[r], maxLength, cutoff, result);
                    pending.RemoveRange(pending.Count - rhs.Count, rhs.Count);
                }
            }
        }

        pending.Add(top);
    }

    private static Bounds Run(CompiledGrammar grammar, int[] target, bool whole, double cutoff)
    {
        var value = 0.0;
        var dropped = 0.0;
        var pending = new List<int> { SymbolCode.Nonterminal(grammar.Source.Start) };
        Step(0, 1.0);
        return new Bounds(value, dropped);

        void Step(int matched, double probability)
        {
            if (!whole && matched == target.Length)
            {
                // Every nonterminal of the conditioned grammar finishes with probability 1.
                value += probability;
                return;
            }

            if (pending.Count == 0)
            {
                if (matched == target.Length)
                {
                    value += probability;
                }

                return;
            }

            // Each pending symbol yields at least one token (no empty right-hand sides).
            if (whole && matched + pending.Count > target.Length)
            {
                return;
            }

            var top = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (top >= 0)
            {
                if (top == target[matched])
                {
                    Step(matched + 1, probability);
                }
            }
            else
            {
                var a = SymbolCode.NonterminalIndex(top);
                var rules = grammar.Source.RulesOf(a);
                var p = grammar.RenormalisedProbabilities(a);
                for (var r = 0; r < rules.Count; r++)
                {
                    if (!(p[r] > 0))
                    {
                        continue;
                    }

                    var next = probability * p[r];
                    if (next < cutoff)
                    {
                        dropped += next;
                        continue;
                    }

                    var rhs = rules[r].Rhs;
                    for (var k = rhs.Count - 1; k >= 0; k--)
                    {
                        pending.Add(rhs[k]);
                    }

                    Step(matched, next);
                    pending.RemoveRange(pending.Count - rhs.Count, rhs.Count);
                }
            }

            pending.Add(top);
        }
    }
}
