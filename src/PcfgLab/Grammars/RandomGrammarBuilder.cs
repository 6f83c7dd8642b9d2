namespace PcfgLab.Grammars;

/// <summary>
/// Builds random PCFGs with the reference's distribution and random stream
/// (<c>data_gen.create_random_pcfg</c> after <c>random.seed(seed)</c>): per nonterminal, k ~ U{1..maxOptions}
/// options with weights ~ U{1..100} normalised, each of length ~ U{1..maxLength} with symbols uniform over
/// nonterminals and terminals; the start symbol S goes to each Ni with probability 1/n.
/// Because the random stream is the reference's, seed s gives the reference's grammar for seed s; only the
/// terminal ids may be shifted (by default terminal i gets id i + 1 so that id 0 is free for the separator).
/// </summary>
public static class RandomGrammarBuilder
{
    /// <summary>Token id of the first terminal by default; 0 is the sentence separator.</summary>
    public const int DefaultFirstTerminalId = 1;

    /// <summary>Builds the grammar of <paramref name="spec"/> for <paramref name="seed"/>.</summary>
    /// <param name="spec">Grammar spec; every field must be positive.</param>
    /// <param name="seed">Seed, used as Python's <c>random.seed(seed)</c>.</param>
    /// <param name="firstTerminalId">Id of terminal 0: 1 (default) or 0 (the reference's ids).</param>
    public static Grammar Build(GrammarSpec spec, long seed, int firstTerminalId = DefaultFirstTerminalId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(firstTerminalId);
        return Build(spec, new PythonRandom(seed), seed, firstTerminalId);
    }

    /// <summary>Builds from an already-seeded generator, leaving it where the reference's sampler starts.</summary>
    internal static Grammar Build(GrammarSpec spec, PythonRandom random, long seed, int firstTerminalId)
    {
        var n = spec.Nonterminals;
        var symbolCount = n + spec.Terminals;
        var names = new string[n + 1];
        names[0] = "S";
        for (var i = 0; i < n; i++)
        {
            names[i + 1] = "N" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var rules = new List<Production>[n + 1];
        rules[0] = new List<Production>(n);
        var startProbability = 1.0 / n;
        for (var i = 0; i < n; i++)
        {
            rules[0].Add(new Production(0, [SymbolCode.Nonterminal(i + 1)], startProbability));
        }

        var weights = new int[spec.MaxOptions];
        for (var a = 0; a < n; a++)
        {
            var k = random.RandInt(1, spec.MaxOptions);
            var total = 0;
            for (var o = 0; o < k; o++)
            {
                weights[o] = random.RandInt(1, 100);
                total += weights[o];
            }

            var list = new List<Production>(k);
            for (var o = 0; o < k; o++)
            {
                var length = random.RandInt(1, spec.MaxLength);
                var rhs = new int[length];
                for (var s = 0; s < length; s++)
                {
                    var symbol = random.RandBelow(symbolCount);
                    rhs[s] = symbol < n
                        ? SymbolCode.Nonterminal(symbol + 1)
                        : SymbolCode.Terminal(symbol - n + firstTerminalId);
                }

                // i / tot in double, exactly as Python's true division.
                list.Add(new Production(a + 1, rhs, (double)weights[o] / total));
            }

            rules[a + 1] = list;
        }

        return new Grammar(names, 0, rules, vocabulary: null, new GrammarOrigin(spec, seed, firstTerminalId));
    }
}
