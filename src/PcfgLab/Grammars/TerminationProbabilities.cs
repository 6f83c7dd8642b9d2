using MathNet.Numerics.LinearAlgebra;

namespace PcfgLab.Grammars;

/// <summary>
/// q_A, the probability that nonterminal A derives a finite tree: the least fixed point of
/// q_A = sum over rules A -&gt; a of p(A -&gt; a) * prod over nonterminals B in a of q_B.
/// </summary>
/// <remarks>
/// The system is solved by strongly connected components of the "A uses B" graph, dependencies first, so that each
/// component sees its dependencies' final values. A nonterminal that uses no nonterminal of its own component (every
/// link of a chain N0 -&gt; N1 -&gt; ... -&gt; 'x') is exact in one evaluation. A larger component runs Kleene iteration
/// (from 0, as before: where it settles, the result is the least fixed point of the rounded equations, bit for bit
/// what the whole-grammar iteration gave); where Kleene crawls (near-critical components), the unproductive members
/// are set to exactly 0 and Newton's method, which approaches the least fixed point from below without overshooting,
/// finishes the component, with a sparse iterative solve where the component is too large for a dense one. A single
/// Kleene iteration over the whole grammar needed one step per link of a chain, and gave q_S = 0 for a chain of
/// 5,000 links after its 2,000 steps.
/// </remarks>
public static class TerminationProbabilities
{
    /// <summary>Kleene steps a component may take before Newton's method finishes it (fewer for very large components).</summary>
    public const int MaxKleeneSteps = 2000;

    // Kleene work per component (rule symbols x steps) before Newton takes over.
    private const long KleeneWorkBudget = 200_000_000;

    /// <summary>Computes q for every nonterminal of <paramref name="grammar"/>.</summary>
    public static double[] Compute(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        var n = grammar.NonterminalCount;
        var q = new double[n];
        var uses = UsesGraph(grammar);
        var inComponent = new int[n];
        Array.Fill(inComponent, -1);
        var number = 0;
        foreach (var component in SparseMatrix.Components(n, uses.ColumnsOf))
        {
            foreach (var member in component)
            {
                inComponent[member] = number;
            }

            SolveComponent(grammar, component, number++, inComponent, uses, q);
        }

        return q;
    }

    /// <summary>out = F(q), the right-hand side of the fixed-point equation.</summary>
    internal static void Apply(Grammar grammar, double[] q, double[] result)
    {
        for (var a = 0; a < grammar.NonterminalCount; a++)
        {
            result[a] = Evaluate(grammar, a, q);
        }
    }

    /// <summary>F_A(q) = min(1, sum over rules of A of p * prod q_B).</summary>
    internal static double Evaluate(Grammar grammar, int a, double[] q)
    {
        // Indexed loops: a foreach over the interfaces would allocate two enumerators per rule on every Kleene step.
        var sum = 0.0;
        var rules = grammar.RulesOf(a);
        for (var r = 0; r < rules.Count; r++)
        {
            var p = rules[r];
            var product = p.Probability;
            var rhs = p.Rhs;
            for (var s = 0; s < rhs.Count; s++)
            {
                var code = rhs[s];
                if (SymbolCode.IsNonterminal(code))
                {
                    product *= q[SymbolCode.NonterminalIndex(code)];
                }
            }

            sum += product;
        }

        return Math.Min(1.0, sum);
    }

    /// <summary>A uses B when B occurs in a rule of A with positive probability (values are occurrence counts).</summary>
    private static SparseMatrix UsesGraph(Grammar grammar) =>
        new(grammar.NonterminalCount, a => Uses(grammar, a));

    private static IEnumerable<(int, double)> Uses(Grammar grammar, int a)
    {
        foreach (var rule in grammar.RulesOf(a))
        {
            if (rule.Probability <= 0)
            {
                continue;
            }

            foreach (var code in rule.Rhs)
            {
                if (SymbolCode.IsNonterminal(code))
                {
                    yield return (SymbolCode.NonterminalIndex(code), 1.0);
                }
            }
        }
    }

    private static void SolveComponent(Grammar grammar, int[] component, int number, int[] inComponent, SparseMatrix uses, double[] q)
    {
        if (component.Length == 1 && !uses.ColumnsOf(component[0]).Contains(component[0]))
        {
            // Depends only on finished components: exact in one evaluation.
            q[component[0]] = Evaluate(grammar, component[0], q);
            return;
        }

        var work = 0L;
        foreach (var a in component)
        {
            foreach (var rule in grammar.RulesOf(a))
            {
                work += rule.Rhs.Count + 1;
            }
        }

        var steps = (int)Math.Clamp(KleeneWorkBudget / Math.Max(1, work), 50, MaxKleeneSteps);
        var next = new double[component.Length];
        for (var step = 0; step < steps; step++)
        {
            var change = 0.0;
            for (var i = 0; i < component.Length; i++)
            {
                next[i] = Evaluate(grammar, component[i], q);
                change = Math.Max(change, Math.Abs(next[i] - q[component[i]]));
            }

            for (var i = 0; i < component.Length; i++)
            {
                q[component[i]] = next[i];
            }

            if (change == 0.0)
            {
                return;
            }
        }

        var active = Productive(grammar, component, number, inComponent, q);
        foreach (var a in component)
        {
            if (!active.Contains(a))
            {
                q[a] = 0;
            }
        }

        Newton(grammar, [.. active.Order()], q);
    }

    /// <summary>
    /// Members that derive some finite string: a rule all of whose nonterminals are productive, outside the component
    /// (q &gt; 0, already final) or inside it (found so far), makes its left side productive.
    /// </summary>
    private static HashSet<int> Productive(Grammar grammar, int[] component, int number, int[] inComponent, double[] q)
    {
        var productive = new HashSet<int>();
        bool grew;
        do
        {
            grew = false;
            foreach (var a in component)
            {
                if (productive.Contains(a))
                {
                    continue;
                }

                foreach (var rule in grammar.RulesOf(a))
                {
                    if (rule.Probability <= 0)
                    {
                        continue;
                    }

                    var ok = true;
                    foreach (var code in rule.Rhs)
                    {
                        if (SymbolCode.IsNonterminal(code))
                        {
                            var b = SymbolCode.NonterminalIndex(code);
                            ok = inComponent[b] == number ? productive.Contains(b) : q[b] > 0;
                            if (!ok)
                            {
                                break;
                            }
                        }
                    }

                    if (ok)
                    {
                        productive.Add(a);
                        grew = true;
                        break;
                    }
                }
            }
        }
        while (grew);
        return productive;
    }

    private static void Newton(Grammar grammar, int[] active, double[] q)
    {
        var m = active.Length;
        if (m == 0)
        {
            return;
        }

        var position = new Dictionary<int, int>(m);
        for (var i = 0; i < m; i++)
        {
            position[active[i]] = i;
        }

        var residual = new double[m];
        var prefix = new List<double>();
        for (var iteration = 0; iteration < 200; iteration++)
        {
            for (var i = 0; i < m; i++)
            {
                residual[i] = Evaluate(grammar, active[i], q) - q[active[i]];
            }

            // (I - J) step = F(q) - q, J[i, j] = dF_i / dq_j, built sparse: each occurrence of a member B in a rule
            // contributes p * (product of q over the rule's other nonterminal occurrences).
            var identityMinusJacobian = new SparseMatrix(m, i => JacobianRow(grammar, active[i], i, position, q, prefix));
            double[] step;
            if (m <= SparseMatrix.DenseLimit)
            {
                var dense = Matrix<double>.Build.Dense(m, m);
                for (var i = 0; i < m; i++)
                {
                    var columns = identityMinusJacobian.ColumnsOf(i);
                    var values = identityMinusJacobian.ValuesOf(i);
                    for (var e = 0; e < columns.Length; e++)
                    {
                        dense[i, columns[e]] += values[e];
                    }
                }

                try
                {
                    step = dense.Solve(Vector<double>.Build.DenseOfArray(residual)).ToArray();
                }
                catch (ArgumentException)
                {
                    return;
                }
            }
            else
            {
                step = IterativeSolver.Solve(m, residual, (v, result) =>
                {
                    for (var i = 0; i < m; i++)
                    {
                        var columns = identityMinusJacobian.ColumnsOf(i);
                        var values = identityMinusJacobian.ValuesOf(i);
                        var sum = 0.0;
                        for (var e = 0; e < columns.Length; e++)
                        {
                            sum += values[e] * v[columns[e]];
                        }

                        result[i] = sum;
                    }
                });
            }

            var largest = 0.0;
            foreach (var value in step)
            {
                if (!double.IsFinite(value))
                {
                    return;
                }

                largest = Math.Max(largest, Math.Abs(value));
            }

            for (var i = 0; i < m; i++)
            {
                q[active[i]] = Math.Clamp(q[active[i]] + step[i], 0.0, 1.0);
            }

            if (largest < 1e-15)
            {
                return;
            }
        }
    }

    private static IEnumerable<(int, double)> JacobianRow(Grammar grammar, int a, int row, Dictionary<int, int> position, double[] q, List<double> prefix)
    {
        yield return (row, 1.0);
        foreach (var rule in grammar.RulesOf(a))
        {
            // Prefix products of q over the nonterminal occurrences, then a backward sweep: O(length) per rule.
            prefix.Clear();
            var product = rule.Probability;
            foreach (var code in rule.Rhs)
            {
                if (SymbolCode.IsNonterminal(code))
                {
                    prefix.Add(product);
                    product *= q[SymbolCode.NonterminalIndex(code)];
                }
            }

            var suffix = 1.0;
            var k = prefix.Count;
            for (var s = rule.Rhs.Count - 1; s >= 0; s--)
            {
                var code = rule.Rhs[s];
                if (!SymbolCode.IsNonterminal(code))
                {
                    continue;
                }

                k--;
                var b = SymbolCode.NonterminalIndex(code);
                if (position.TryGetValue(b, out var column))
                {
                    yield return (column, -(prefix[k] * suffix));
                }

                suffix *= q[b];
            }
        }
    }
}
