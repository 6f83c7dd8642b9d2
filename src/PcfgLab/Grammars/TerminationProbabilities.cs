using MathNet.Numerics.LinearAlgebra;

namespace PcfgLab.Grammars;

/// <summary>
/// q_A, the probability that nonterminal A derives a finite tree: the least fixed point of
/// q_A = sum over rules A -&gt; a of p(A -&gt; a) * prod over nonterminals B in a of q_B.
/// Kleene iteration from 0 finds which q are zero and gets close; Newton's method then converges
/// quadratically where Kleene crawls (near-critical grammars), never overshooting the least fixed point.
/// </summary>
public static class TerminationProbabilities
{
    /// <summary>Computes q for every nonterminal of <paramref name="grammar"/>.</summary>
    public static double[] Compute(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var n = grammar.NonterminalCount;
        var q = new double[n];
        var next = new double[n];

        // n + 1 Kleene steps make exactly the productive nonterminals positive; more get close to the fixed point.
        const int KleeneSteps = 2000;
        for (var step = 0; step < KleeneSteps; step++)
        {
            Apply(grammar, q, next);
            var change = 0.0;
            for (var a = 0; a < n; a++)
            {
                change = Math.Max(change, Math.Abs(next[a] - q[a]));
            }

            (q, next) = (next, q);
            if (change == 0.0)
            {
                return q;
            }
        }

        NewtonPolish(grammar, q);
        return q;
    }

    /// <summary>out = F(q), the right-hand side of the fixed-point equation.</summary>
    internal static void Apply(Grammar grammar, double[] q, double[] result)
    {
        for (var a = 0; a < grammar.NonterminalCount; a++)
        {
            var sum = 0.0;
            foreach (var p in grammar.RulesOf(a))
            {
                var product = p.Probability;
                foreach (var code in p.Rhs)
                {
                    if (SymbolCode.IsNonterminal(code))
                    {
                        product *= q[SymbolCode.NonterminalIndex(code)];
                    }
                }

                sum += product;
            }

            result[a] = Math.Min(1.0, sum);
        }
    }

    private static void NewtonPolish(Grammar grammar, double[] q)
    {
        var n = grammar.NonterminalCount;

        // Unproductive nonterminals (q = 0 after Kleene) stay exactly zero; Newton runs on the rest.
        var active = new List<int>(n);
        var position = new int[n];
        for (var a = 0; a < n; a++)
        {
            position[a] = -1;
            if (q[a] > 0)
            {
                position[a] = active.Count;
                active.Add(a);
            }
        }

        var m = active.Count;
        var f = new double[n];
        for (var iteration = 0; iteration < 200; iteration++)
        {
            Apply(grammar, q, f);
            var jacobian = Matrix<double>.Build.Dense(m, m);
            var residual = Vector<double>.Build.Dense(m);
            for (var i = 0; i < m; i++)
            {
                var a = active[i];
                residual[i] = f[a] - q[a];
                jacobian[i, i] = 1.0;
                foreach (var p in grammar.RulesOf(a))
                {
                    var rhs = p.Rhs;
                    for (var s = 0; s < rhs.Count; s++)
                    {
                        if (!SymbolCode.IsNonterminal(rhs[s]))
                        {
                            continue;
                        }

                        var column = position[SymbolCode.NonterminalIndex(rhs[s])];
                        if (column < 0)
                        {
                            continue;
                        }

                        // d/dq_B of p * prod q: the product over every other nonterminal occurrence.
                        var derivative = p.Probability;
                        for (var t = 0; t < rhs.Count; t++)
                        {
                            if (t != s && SymbolCode.IsNonterminal(rhs[t]))
                            {
                                derivative *= q[SymbolCode.NonterminalIndex(rhs[t])];
                            }
                        }

                        jacobian[i, column] -= derivative;
                    }
                }
            }

            Vector<double> step;
            try
            {
                step = jacobian.Solve(residual);
            }
            catch (ArgumentException)
            {
                return;
            }

            var largest = 0.0;
            for (var i = 0; i < m; i++)
            {
                if (!double.IsFinite(step[i]))
                {
                    return;
                }

                largest = Math.Max(largest, Math.Abs(step[i]));
            }

            for (var i = 0; i < m; i++)
            {
                var a = active[i];
                q[a] = Math.Clamp(q[a] + step[i], 0.0, 1.0);
            }

            if (largest < 1e-15)
            {
                return;
            }
        }
    }
}
