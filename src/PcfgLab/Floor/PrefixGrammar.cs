using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// The tables a probabilistic Earley parser (Stolcke 1995) needs for one grammar, built from the grammar conditioned on
/// finite derivations (the distribution <see cref="DocumentSampler"/> draws from, p'(A -&gt; a) = p * prod q_B / q_A):
/// the rules without unit rules, the left-corner closure R_L = (I - P_L)^-1 and the unit closure R_U = (I - P_U)^-1,
/// the rules indexed by their first symbol, and each nonterminal's first terminals. Immutable and shared by all the
/// <see cref="PrefixParser"/>s of a grammar (one per thread).
/// </summary>
/// <remarks>
/// Unit rules A -&gt; B never become parser items: prediction through them is in R_L and completion through them in R_U,
/// which is what makes the parser exact on unit cycles and left recursion of any depth. The grammar must have no empty
/// right-hand side and must not use token 0, the sentence separator, as a terminal (a separator that is also a word
/// would make the sentence boundaries of a document hidden).
/// </remarks>
public sealed class PrefixGrammar
{
    private PrefixGrammar(CompiledGrammar compiled)
    {
        Compiled = compiled;
        var grammar = compiled.Source;
        var n = grammar.NonterminalCount;
        NonterminalCount = n;
        Start = grammar.Start;
        TerminalLimit = Math.Max(grammar.MaxTerminalId + 1, 1);

        // The rules kept: p' > 0. Unit rules only feed the closures. The left-corner and unit edges are kept as row
        // lists (a -> b with the summed p'), so that nothing here is quadratic in the nonterminals.
        var leftCornerRows = new List<(int Column, double Value)>[n];
        var unitRows = new List<(int Column, double Value)>[n];
        for (var a = 0; a < n; a++)
        {
            leftCornerRows[a] = [];
            unitRows[a] = [];
        }

        var lhs = new List<int>();
        var probability = new List<double>();
        var offset = new List<int>();
        var length = new List<int>();
        var symbols = new List<int>();
        for (var a = 0; a < n; a++)
        {
            var rules = grammar.RulesOf(a);
            var renormalised = compiled.RenormalisedProbabilities(a);
            for (var r = 0; r < rules.Count; r++)
            {
                var p = renormalised[r];
                if (!(p > 0))
                {
                    continue;
                }

                var rhs = rules[r].Rhs;
                if (rhs.Count == 0)
                {
                    throw UndefinedFloorException.Error(
                        $"rule {grammar.NonterminalName(a)} -> (empty) can be used: the loss floor needs a grammar without empty right-hand sides; rewrite it without them.");
                }

                foreach (var code in rhs)
                {
                    if (code == DocumentSampler.Separator)
                    {
                        throw UndefinedFloorException.Error(
                            $"a rule of {grammar.NonterminalName(a)} uses token 0, which is also the sentence separator: sentence boundaries would be hidden and the floor is not defined; renumber the terminals from 1.");
                    }
                }

                var first = rhs[0];
                if (SymbolCode.IsNonterminal(first))
                {
                    var b = SymbolCode.NonterminalIndex(first);
                    leftCornerRows[a].Add((b, p));
                    if (rhs.Count == 1)
                    {
                        unitRows[a].Add((b, p));
                        continue;
                    }
                }

                lhs.Add(a);
                probability.Add(p);
                offset.Add(symbols.Count);
                length.Add(rhs.Count);
                symbols.AddRange(rhs);
            }
        }

        RuleLhs = [.. lhs];
        RuleProbability = [.. probability];
        RuleOffset = [.. offset];
        RuleLength = [.. length];
        Symbols = [.. symbols];

        // Which closure entries the parser reads. Rows of R_L: the start symbol (set 0) and every nonterminal an item
        // can wait for (a symbol after the first of a kept rule). Columns of R_L and R_U: the left-hand sides of kept
        // rules (only their predictions and completions are used). Rows of R_U: those of R_L and the first symbols of
        // kept rules (a completion advances predicted rules X -> Z mu). Nothing else is stored: a chain of unit rules
        // stores one entry, not the square of its length.
        var isSource = new bool[n];
        var isTarget = new bool[n];
        var isUnitSource = new bool[n];
        isSource[Start] = true;
        for (var r = 0; r < RuleCount; r++)
        {
            isTarget[RuleLhs[r]] = true;
            var first = Symbols[RuleOffset[r]];
            if (SymbolCode.IsNonterminal(first))
            {
                isUnitSource[SymbolCode.NonterminalIndex(first)] = true;
            }

            for (var i = 1; i < RuleLength[r]; i++)
            {
                var s = Symbols[RuleOffset[r] + i];
                if (SymbolCode.IsNonterminal(s))
                {
                    isSource[SymbolCode.NonterminalIndex(s)] = true;
                }
            }
        }

        LeftCornerRow = new int[n];
        LeftCornerColumn = new int[n];
        Array.Fill(LeftCornerRow, -1);
        Array.Fill(LeftCornerColumn, -1);
        var sources = new List<int>();
        var targets = new List<int>();
        var unitSources = new List<int>();
        for (var a = 0; a < n; a++)
        {
            if (isTarget[a])
            {
                LeftCornerColumn[a] = targets.Count;
                targets.Add(a);
            }

            if (isSource[a])
            {
                sources.Add(a);
            }

            if (isSource[a] || isUnitSource[a])
            {
                unitSources.Add(a);
            }
        }

        LeftCornerWidth = targets.Count;
        for (var i = 0; i < sources.Count; i++)
        {
            LeftCornerRow[sources[i]] = i * LeftCornerWidth;
        }

        var leftCornerMatrix = new SparseMatrix(n, a => leftCornerRows[a]);
        var unitMatrix = new SparseMatrix(n, a => unitRows[a]);
        LeftCornerClosure = new double[sources.Count * LeftCornerWidth];
        var unitEntries = new List<(int Z, int Y, double Value)>();
        if (n <= DenseLimit)
        {
            // Small grammars: the dense inverses as always, so that their figures keep every bit.
            var leftCorner = Closure(Dense(leftCornerMatrix), leftCornerMatrix, "left-corner");
            var unit = Closure(Dense(unitMatrix), unitMatrix, "unit");
            for (var i = 0; i < sources.Count; i++)
            {
                for (var j = 0; j < targets.Count; j++)
                {
                    LeftCornerClosure[(i * LeftCornerWidth) + j] = leftCorner[(sources[i] * n) + targets[j]];
                }
            }

            foreach (var z in unitSources)
            {
                foreach (var y in targets)
                {
                    if (unit[(z * n) + y] is var f && f > 0)
                    {
                        unitEntries.Add((z, y, f));
                    }
                }
            }
        }
        else
        {
            // Large grammars: only the rows needed, each solved by components (linear in the edges a row reaches).
            SparseRows(leftCornerMatrix, sources, "left-corner", (i, z, row) =>
            {
                for (var j = 0; j < targets.Count; j++)
                {
                    LeftCornerClosure[(i * LeftCornerWidth) + j] = row[targets[j]];
                }
            });
            SparseRows(unitMatrix, unitSources, "unit", (_, z, row) =>
            {
                foreach (var y in targets)
                {
                    if (row[y] > 0)
                    {
                        unitEntries.Add((z, y, row[y]));
                    }
                }
            });
        }

        // Rules by first symbol: a terminal (the ones a scan of that token predicts) or a nonterminal (the ones a
        // completion of that nonterminal advances).
        (TerminalRuleStart, TerminalRules) = Index(TerminalLimit, r => Symbols[RuleOffset[r]] is var s && s >= 0 ? s : -1);
        (NonterminalRuleStart, NonterminalRules) = Index(n, r => Symbols[RuleOffset[r]] is var s && s < 0 ? SymbolCode.NonterminalIndex(s) : -1);

        // First terminals: a in First(A) when A derives a string that starts with a: A's rules' first terminals and
        // First(B) for every left corner B of A. Tarjan's order lists a component after those it reaches, so one pass
        // over the components does it (a component shares one set).
        FirstWords = (TerminalLimit + 63) / 64;
        FirstBits = new ulong[n * FirstWords];
        for (var r = 0; r < RuleCount; r++)
        {
            var s = Symbols[RuleOffset[r]];
            if (s >= 0)
            {
                FirstBits[(RuleLhs[r] * FirstWords) + (s >> 6)] |= 1UL << (s & 63);
            }
        }

        var words = FirstWords;
        var union = new ulong[words];
        foreach (var component in leftCornerMatrix.Components())
        {
            Array.Clear(union);
            foreach (var a in component)
            {
                Or(union, FirstBits.AsSpan(a * words, words));
                foreach (var b in leftCornerMatrix.ColumnsOf(a))
                {
                    Or(union, FirstBits.AsSpan(b * words, words));
                }
            }

            foreach (var a in component)
            {
                union.CopyTo(FirstBits.AsSpan(a * words, words));
            }
        }

        // LC(a): the nonterminals with kept rules and a among their first terminals, the only ones whose prediction
        // is read before a; ascending.
        var lcCount = new int[TerminalLimit + 1];
        foreach (var a in targets)
        {
            ForEachFirst(a, t => lcCount[t + 1]++);
        }

        for (var t = 0; t < TerminalLimit; t++)
        {
            lcCount[t + 1] += lcCount[t];
        }

        LeftCornerStart = lcCount;
        LeftCorners = new int[lcCount[TerminalLimit]];
        var fill = (int[])lcCount.Clone();
        foreach (var a in targets)
        {
            ForEachFirst(a, t => LeftCorners[fill[t]++] = a);
        }

        // Unit ancestors: for each Y, the Z with R_U(Z, Y) > 0 (Z ascending), and the factor.
        var ancestorCount = new int[n + 1];
        foreach (var (_, y, _) in unitEntries)
        {
            ancestorCount[y + 1]++;
        }

        for (var y = 0; y < n; y++)
        {
            ancestorCount[y + 1] += ancestorCount[y];
        }

        UnitAncestorStart = ancestorCount;
        UnitAncestors = new int[ancestorCount[n]];
        UnitAncestorFactor = new double[ancestorCount[n]];
        var at = (int[])ancestorCount.Clone();
        foreach (var (z, y, f) in unitEntries)
        {
            UnitAncestors[at[y]] = z;
            UnitAncestorFactor[at[y]++] = f;
        }
    }

    /// <summary>Grammars with at most this many nonterminals get their closures from a dense inverse (as always, so their
    /// figures keep every bit); larger ones by sparse solves of the rows the parser reads.</summary>
    internal const int DenseLimit = 400;

    /// <summary>The sampler's grammar the tables were built from.</summary>
    public CompiledGrammar Compiled { get; }

    /// <summary>Number of nonterminals (the source grammar's, unproductive ones included).</summary>
    public int NonterminalCount { get; }

    /// <summary>Index of the start symbol.</summary>
    public int Start { get; }

    /// <summary>One more than the largest terminal id: token ids at or above it never occur in a sentence.</summary>
    public int TerminalLimit { get; }

    /// <summary>Number of kept rules (p' &gt; 0, not unit rules).</summary>
    public int RuleCount => RuleLhs.Length;

    /// <summary>Left-hand side of each kept rule; the rules of one nonterminal are contiguous.</summary>
    internal int[] RuleLhs { get; }

    /// <summary>p' of each kept rule.</summary>
    internal double[] RuleProbability { get; }

    /// <summary>Where each kept rule's right-hand side starts in <see cref="Symbols"/>.</summary>
    internal int[] RuleOffset { get; }

    /// <summary>Right-hand-side length of each kept rule (at least 1; 1 only for a single terminal).</summary>
    internal int[] RuleLength { get; }

    /// <summary>Right-hand sides back to back, in <see cref="SymbolCode"/> form.</summary>
    internal int[] Symbols { get; }

    /// <summary>
    /// R_L[Z, Y], the sum of the probabilities of all left-corner chains from Z down to Y, for the Z the parser reads
    /// (the start symbol and the nonterminals items wait for) and the Y with kept rules: entry
    /// <c>LeftCornerClosure[LeftCornerRow[Z] + LeftCornerColumn[Y]]</c>.
    /// </summary>
    internal double[] LeftCornerClosure { get; }

    /// <summary>Offset of Z's row in <see cref="LeftCornerClosure"/>, or -1 when the parser never reads it.</summary>
    internal int[] LeftCornerRow { get; }

    /// <summary>Column of Y in <see cref="LeftCornerClosure"/>, or -1 when Y has no kept rule.</summary>
    internal int[] LeftCornerColumn { get; }

    /// <summary>Columns of <see cref="LeftCornerClosure"/>: the nonterminals with kept rules.</summary>
    internal int LeftCornerWidth { get; }

    /// <summary>CSR offsets into <see cref="TerminalRules"/> by terminal id (length <see cref="TerminalLimit"/> + 1).</summary>
    internal int[] TerminalRuleStart { get; }

    /// <summary>The kept rules whose right-hand side starts with each terminal.</summary>
    internal int[] TerminalRules { get; }

    /// <summary>CSR offsets into <see cref="NonterminalRules"/> by nonterminal.</summary>
    internal int[] NonterminalRuleStart { get; }

    /// <summary>The kept (non-unit) rules whose right-hand side starts with each nonterminal.</summary>
    internal int[] NonterminalRules { get; }

    /// <summary>64-bit words per nonterminal in <see cref="FirstBits"/>.</summary>
    internal int FirstWords { get; }

    /// <summary>Bit a of row A: A derives some string that starts with terminal a.</summary>
    internal ulong[] FirstBits { get; }

    /// <summary>CSR offsets into <see cref="LeftCorners"/> by terminal id.</summary>
    internal int[] LeftCornerStart { get; }

    /// <summary>For each terminal a, the nonterminals with kept rules that derive strings starting with a, ascending.</summary>
    internal int[] LeftCorners { get; }

    /// <summary>CSR offsets into <see cref="UnitAncestors"/> by nonterminal Y.</summary>
    internal int[] UnitAncestorStart { get; }

    /// <summary>For each Y with kept rules, the nonterminals Z with R_U[Z, Y] &gt; 0 that the parser reads (the start
    /// symbol, those items wait for and first symbols of kept rules; Y itself when it is one), ascending.</summary>
    internal int[] UnitAncestors { get; }

    /// <summary>R_U[Z, Y] for each entry of <see cref="UnitAncestors"/>.</summary>
    internal double[] UnitAncestorFactor { get; }

    /// <summary>
    /// Builds the tables for <paramref name="grammar"/> conditioned on finite derivations.
    /// </summary>
    /// <exception cref="UserInputException">The grammar has a usable empty right-hand side, uses token 0 as a
    /// terminal, or is critical after conditioning (the closures do not exist).</exception>
    public static PrefixGrammar Build(CompiledGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new PrefixGrammar(grammar);
    }

    /// <summary>True when <paramref name="symbol"/> (a <see cref="SymbolCode"/>) derives a string starting with <paramref name="terminal"/>.</summary>
    internal bool CanStart(int symbol, int terminal)
    {
        if (symbol >= 0)
        {
            return symbol == terminal;
        }

        if ((uint)terminal >= (uint)TerminalLimit)
        {
            return false;
        }

        return (FirstBits[(SymbolCode.NonterminalIndex(symbol) * FirstWords) + (terminal >> 6)] & (1UL << (terminal & 63))) != 0;
    }

    private (int[] Start, int[] Items) Index(int keys, Func<int, int> keyOf)
    {
        var start = new int[keys + 1];
        for (var r = 0; r < RuleCount; r++)
        {
            if (keyOf(r) is var k && k >= 0)
            {
                start[k + 1]++;
            }
        }

        for (var k = 0; k < keys; k++)
        {
            start[k + 1] += start[k];
        }

        var items = new int[start[keys]];
        var fill = (int[])start.Clone();
        for (var r = 0; r < RuleCount; r++)
        {
            if (keyOf(r) is var k && k >= 0)
            {
                items[fill[k]++] = r;
            }
        }

        return (start, items);
    }

    /// <summary>R_L[z, y] where it is stored (see <see cref="LeftCornerClosure"/>), otherwise NaN.</summary>
    internal double LeftCornerValue(int z, int y) =>
        LeftCornerRow[z] < 0 || LeftCornerColumn[y] < 0 ? double.NaN : LeftCornerClosure[LeftCornerRow[z] + LeftCornerColumn[y]];

    /// <summary>R_U[z, y] where it is stored (see <see cref="UnitAncestors"/>), otherwise 0.</summary>
    internal double UnitValue(int z, int y)
    {
        for (var i = UnitAncestorStart[y]; i < UnitAncestorStart[y + 1]; i++)
        {
            if (UnitAncestors[i] == z)
            {
                return UnitAncestorFactor[i];
            }
        }

        return 0;
    }

    private void ForEachFirst(int a, Action<int> action)
    {
        for (var w = 0; w < FirstWords; w++)
        {
            var bits = FirstBits[(a * FirstWords) + w];
            while (bits != 0)
            {
                var t = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (t < TerminalLimit)
                {
                    action(t);
                }
            }
        }
    }

    private static void Or(ulong[] into, ReadOnlySpan<ulong> bits)
    {
        for (var w = 0; w < into.Length; w++)
        {
            into[w] |= bits[w];
        }
    }

    private static Matrix<double> Dense(SparseMatrix sparse)
    {
        var dense = Matrix<double>.Build.Dense(sparse.Size, sparse.Size);
        for (var a = 0; a < sparse.Size; a++)
        {
            var columns = sparse.ColumnsOf(a);
            var values = sparse.ValuesOf(a);
            for (var e = 0; e < columns.Length; e++)
            {
                dense[a, columns[e]] = values[e];
            }
        }

        return dense;
    }

    // Rows z of (I - P)^-1: row z is the solution x of (I - P^T) x = e_z, solved component by component (SparseMatrix),
    // a batch of rows at a time so that memory stays at a batch times the nonterminals.
    private static void SparseRows(SparseMatrix p, List<int> rows, string what, Action<int, int, double[]> use)
    {
        var n = p.Size;
        var transposed = new List<(int Column, double Value)>[n];
        for (var b = 0; b < n; b++)
        {
            transposed[b] = [];
        }

        for (var a = 0; a < n; a++)
        {
            var columns = p.ColumnsOf(a);
            var values = p.ValuesOf(a);
            for (var e = 0; e < columns.Length; e++)
            {
                transposed[columns[e]].Add((a, values[e]));
            }
        }

        var matrix = new SparseMatrix(n, b => transposed[b]);
        if (!(matrix.SpectralRadius() < 1))
        {
            throw UndefinedFloorException.Error(
                $"the grammar's {what} chains do not sum to a finite probability (spectral radius at least 1): it is critical after conditioning on finite derivations, and the floor cannot be computed.");
        }

        const int Batch = 64;
        for (var from = 0; from < rows.Count; from += Batch)
        {
            var count = Math.Min(Batch, rows.Count - from);
            var unitVectors = new double[count][];
            for (var i = 0; i < count; i++)
            {
                unitVectors[i] = new double[n];
                unitVectors[i][rows[from + i]] = 1;
            }

            var solutions = matrix.SolveIdentityMinus(unitVectors);
            for (var i = 0; i < count; i++)
            {
                var z = rows[from + i];
                var row = solutions[i];
                for (var y = 0; y < n; y++)
                {
                    var value = row[y];
                    if (!double.IsFinite(value) || value < -1e-9 || (y == z && value < 1 - 1e-9))
                    {
                        throw Critical(what, z, y, value);
                    }

                    row[y] = Math.Max(value, 0);
                }

                use(from + i, z, row);
            }
        }
    }

    private static UserInputException Critical(string what, int a, int b, double value) =>
        UndefinedFloorException.Error(string.Create(CultureInfo.InvariantCulture,
            $"the grammar's {what} chains do not sum to a finite probability (R[{a},{b}] = {value}): it is critical after conditioning on finite derivations, and the floor cannot be computed."));

    // Reflexive transitive closure of the edges (Warshall): which chains exist, whatever their probability.
    private static bool[,] Reach(SparseMatrix p)
    {
        var n = p.Size;
        var reach = new bool[n, n];
        for (var a = 0; a < n; a++)
        {
            reach[a, a] = true;
            foreach (var b in p.ColumnsOf(a))
            {
                reach[a, b] = true;
            }
        }

        // Warshall's transitive closure.
        for (var k = 0; k < n; k++)
        {
            for (var a = 0; a < n; a++)
            {
                if (!reach[a, k])
                {
                    continue;
                }

                for (var b = 0; b < n; b++)
                {
                    reach[a, b] |= reach[k, b];
                }
            }
        }

        return reach;
    }

    // (I - P)^-1, with entries that no chain reaches set to exactly 0: the LU solve leaves rounding noise there, and the
    // parser's sparsity (which nonterminals a chain reaches) must be structural.
    private static double[] Closure(Matrix<double> p, SparseMatrix edges, string what)
    {
        var n = p.RowCount;
        var reach = Reach(edges);

        var inverse = (Matrix<double>.Build.DenseIdentity(n) - p).Inverse();
        var result = new double[n * n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                if (!reach[a, b])
                {
                    continue;
                }

                // A chain's sum is at least 1 on the diagonal and positive elsewhere. An entry whose true value is
                // below the solve's rounding (about 1e-16) may come out as -1e-16: it is kept at 0, which changes no
                // probability by more than that. Anything clearly negative or infinite means I - P is (near) singular.
                var value = inverse[a, b];
                if (!double.IsFinite(value) || value < -1e-9 || (a == b && value < 1 - 1e-9))
                {
                    throw Critical(what, a, b, value);
                }

                result[(a * n) + b] = Math.Max(value, 0);
            }
        }

        return result;
    }
}
