using MathNet.Numerics.LinearAlgebra;

namespace PcfgLab.Grammars;

/// <summary>
/// A square sparse matrix in compressed-row form, with what grammar analysis needs of it: strongly connected
/// components in dependency order, the spectral radius per component, and solves of (I - M) x = b by components.
/// Memory and time are linear in the nonzeros except inside a component, where a small one is handled densely
/// (exactly as before, so small grammars keep their figures to the last bits) and a large one iteratively.
/// </summary>
internal sealed class SparseMatrix
{
    /// <summary>Components up to this size are handled with dense linear algebra.</summary>
    public const int DenseLimit = 400;

    private readonly int[] _rowStart;
    private readonly int[] _columns;
    private readonly double[] _values;

    /// <summary>Builds the matrix from row lists of (column, value) entries; repeated columns in a row are summed.</summary>
    public SparseMatrix(int size, Func<int, IEnumerable<(int Column, double Value)>> row)
    {
        Size = size;
        _rowStart = new int[size + 1];
        var columns = new List<int>();
        var values = new List<double>();
        var position = new int[size];
        Array.Fill(position, -1);
        for (var i = 0; i < size; i++)
        {
            var first = columns.Count;
            foreach (var (column, value) in row(i))
            {
                if (value == 0)
                {
                    continue;
                }

                if (position[column] >= first)
                {
                    values[position[column]] += value;
                }
                else
                {
                    position[column] = columns.Count;
                    columns.Add(column);
                    values.Add(value);
                }
            }

            _rowStart[i + 1] = columns.Count;
        }

        _columns = [.. columns];
        _values = [.. values];
    }

    /// <summary>Rows (and columns).</summary>
    public int Size { get; }

    /// <summary>Nonzero entries.</summary>
    public int NonZeroCount => _columns.Length;

    /// <summary>The entries of row <paramref name="i"/>.</summary>
    public ReadOnlySpan<int> ColumnsOf(int i) => _columns.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);

    /// <summary>The values of row <paramref name="i"/>, beside <see cref="ColumnsOf"/>.</summary>
    public ReadOnlySpan<double> ValuesOf(int i) => _values.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);

    /// <summary>
    /// Strongly connected components of the graph i -&gt; j for every nonzero M[i, j], each listed so that every
    /// component comes after all components it reaches (Tarjan's order; iterative, so a chain of any length is safe).
    /// </summary>
    public static List<int[]> Components(int size, Func<int, ReadOnlySpan<int>> successors)
    {
        var index = new int[size];
        var low = new int[size];
        Array.Fill(index, -1);
        var onStack = new bool[size];
        var stack = new Stack<int>();
        var frames = new Stack<(int Node, int Next)>();
        var result = new List<int[]>();
        var counter = 0;
        for (var root = 0; root < size; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            frames.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (frames.Count > 0)
            {
                var (node, next) = frames.Pop();
                var edges = successors(node);
                var descended = false;
                while (next < edges.Length)
                {
                    var child = edges[next++];
                    if (index[child] < 0)
                    {
                        frames.Push((node, next));
                        index[child] = low[child] = counter++;
                        stack.Push(child);
                        onStack[child] = true;
                        frames.Push((child, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[child])
                    {
                        low[node] = Math.Min(low[node], index[child]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[node] == index[node])
                {
                    var members = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        members.Add(member);
                    }
                    while (member != node);
                    members.Sort();
                    result.Add([.. members]);
                }

                if (frames.Count > 0)
                {
                    var parent = frames.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return result;
    }

    /// <summary>The components of this matrix's graph, dependencies first.</summary>
    public List<int[]> Components() => Components(Size, ColumnsOf);

    /// <summary>
    /// The spectral radius: the largest over components of the radius of the diagonal block (a reducible matrix is
    /// block-triangular in component order). A single row without a self-loop has radius 0; small blocks use a dense
    /// eigenvalue solver; large ones (nonnegative and irreducible) the power method on M + I with Collatz-Wielandt
    /// bounds, to a relative 1e-12.
    /// </summary>
    public double SpectralRadius()
    {
        var rho = 0.0;
        var local = new int[Size];
        var inComponent = new int[Size];
        Array.Fill(inComponent, -1);
        var number = 0;
        foreach (var component in Components())
        {
            foreach (var member in component)
            {
                inComponent[member] = number;
            }

            rho = Math.Max(rho, ComponentRadius(component, number++, local, inComponent));
        }

        return rho;
    }

    /// <summary>
    /// Solves (I - M) X = B for the right-hand sides <paramref name="rightHandSides"/> (each of length
    /// <see cref="Size"/>), component by component in dependency order. The caller has checked that the spectral radius
    /// is below 1.
    /// </summary>
    public double[][] SolveIdentityMinus(IReadOnlyList<double[]> rightHandSides)
    {
        var k = rightHandSides.Count;
        var x = new double[k][];
        for (var r = 0; r < k; r++)
        {
            x[r] = new double[Size];
        }

        var inComponent = new int[Size];
        Array.Fill(inComponent, -1);
        var local = new int[Size];
        var componentNumber = 0;
        foreach (var component in Components())
        {
            for (var i = 0; i < component.Length; i++)
            {
                inComponent[component[i]] = componentNumber;
            }

            // rhs = b + (entries leaving the component) * x, already known.
            var rhs = new double[k][];
            for (var r = 0; r < k; r++)
            {
                rhs[r] = new double[component.Length];
                for (var i = 0; i < component.Length; i++)
                {
                    var row = component[i];
                    var sum = rightHandSides[r][row];
                    var columns = ColumnsOf(row);
                    var values = ValuesOf(row);
                    for (var e = 0; e < columns.Length; e++)
                    {
                        if (inComponent[columns[e]] != componentNumber)
                        {
                            sum += values[e] * x[r][columns[e]];
                        }
                    }

                    rhs[r][i] = sum;
                }
            }

            SolveBlock(component, local, inComponent, componentNumber, rhs, x);
            componentNumber++;
        }

        return x;
    }

    /// <summary>y = M x restricted to the rows and columns of one component (positions local to it).</summary>
    private void MultiplyBlock(int[] component, int[] local, int[] inComponent, int number, ReadOnlySpan<double> x, Span<double> y)
    {
        for (var i = 0; i < component.Length; i++)
        {
            var columns = ColumnsOf(component[i]);
            var values = ValuesOf(component[i]);
            var sum = 0.0;
            for (var e = 0; e < columns.Length; e++)
            {
                if (inComponent[columns[e]] == number)
                {
                    sum += values[e] * x[local[columns[e]]];
                }
            }

            y[i] = sum;
        }
    }

    private void SolveBlock(int[] component, int[] local, int[] inComponent, int number, double[][] rhs, double[][] x)
    {
        var n = component.Length;
        if (n == 1)
        {
            var self = SelfWeight(component[0]);
            for (var r = 0; r < rhs.Length; r++)
            {
                x[r][component[0]] = rhs[r][0] / (1 - self);
            }

            return;
        }

        for (var i = 0; i < n; i++)
        {
            local[component[i]] = i;
        }

        if (n <= DenseLimit)
        {
            var lu = (Matrix<double>.Build.DenseIdentity(n) - DenseBlock(component, local, inComponent, number)).LU();
            for (var r = 0; r < rhs.Length; r++)
            {
                var solution = lu.Solve(Vector<double>.Build.DenseOfArray(rhs[r]));
                for (var i = 0; i < n; i++)
                {
                    x[r][component[i]] = solution[i];
                }
            }

            return;
        }

        for (var r = 0; r < rhs.Length; r++)
        {
            var solution = IterativeSolver.Solve(n, rhs[r], (v, result) =>
            {
                MultiplyBlock(component, local, inComponent, number, v, result);
                for (var i = 0; i < n; i++)
                {
                    result[i] = v[i] - result[i];
                }
            });
            for (var i = 0; i < n; i++)
            {
                x[r][component[i]] = solution[i];
            }
        }
    }

    private double SelfWeight(int row)
    {
        var columns = ColumnsOf(row);
        var values = ValuesOf(row);
        for (var e = 0; e < columns.Length; e++)
        {
            if (columns[e] == row)
            {
                return values[e];
            }
        }

        return 0;
    }

    private Matrix<double> DenseBlock(int[] component, int[] local, int[] inComponent, int number)
    {
        var matrix = Matrix<double>.Build.Dense(component.Length, component.Length);
        for (var i = 0; i < component.Length; i++)
        {
            var columns = ColumnsOf(component[i]);
            var values = ValuesOf(component[i]);
            for (var e = 0; e < columns.Length; e++)
            {
                if (inComponent[columns[e]] == number)
                {
                    matrix[i, local[columns[e]]] += values[e];
                }
            }
        }

        return matrix;
    }

    private double ComponentRadius(int[] component, int number, int[] local, int[] inComponent)
    {
        if (component.Length == 1)
        {
            return Math.Abs(SelfWeight(component[0]));
        }

        for (var i = 0; i < component.Length; i++)
        {
            local[component[i]] = i;
        }

        if (component.Length <= DenseLimit)
        {
            var rho = 0.0;
            foreach (var lambda in DenseBlock(component, local, inComponent, number).Evd().EigenValues)
            {
                rho = Math.Max(rho, lambda.Magnitude);
            }

            return rho;
        }

        // Power method on B = M + I (primitive when M is irreducible and nonnegative; rho(B) = rho(M) + 1). The
        // Collatz-Wielandt quotients (Bx)_i / x_i bracket rho(B) for any positive x.
        var n = component.Length;
        var x = new double[n];
        var y = new double[n];
        Array.Fill(x, 1.0);
        double lower = 0, upper = double.PositiveInfinity;
        for (var iteration = 0; iteration < 100_000; iteration++)
        {
            MultiplyBlock(component, local, inComponent, number, x, y);
            double lo = double.PositiveInfinity, hi = 0, norm = 0;
            for (var i = 0; i < n; i++)
            {
                y[i] += x[i];
                var ratio = y[i] / x[i];
                lo = Math.Min(lo, ratio);
                hi = Math.Max(hi, ratio);
                norm = Math.Max(norm, y[i]);
            }

            lower = Math.Max(lower, lo);
            upper = Math.Min(upper, hi);
            for (var i = 0; i < n; i++)
            {
                x[i] = y[i] / norm;
            }

            if (upper - lower <= 1e-12 * upper)
            {
                break;
            }
        }

        return ((lower + upper) / 2) - 1;
    }
}

/// <summary>
/// BiCGSTAB for the large, sparse, well-conditioned systems of grammar analysis ((I - M) x = b with spectral radius
/// below 1), to a relative residual of 1e-14. Used only where a dense solve would need n^2 memory.
/// </summary>
internal static class IterativeSolver
{
    /// <summary>Solves A x = b where <paramref name="apply"/>(v, result) computes A v.</summary>
    public static double[] Solve(int n, double[] b, Action<double[], double[]> apply, double tolerance = 1e-14, int maxIterations = 10_000)
    {
        var x = (double[])b.Clone(); // (I - M)^-1 b = b + M b + ...: b is a good start
        var r = new double[n];
        apply(x, r);
        for (var i = 0; i < n; i++)
        {
            r[i] = b[i] - r[i];
        }

        var bNorm = Norm(b);
        if (bNorm == 0)
        {
            return new double[n];
        }

        var rHat = (double[])r.Clone();
        var p = new double[n];
        var v = new double[n];
        var s = new double[n];
        var t = new double[n];
        double rho = 1, alpha = 1, omega = 1;
        for (var iteration = 0; iteration < maxIterations && Norm(r) > tolerance * bNorm; iteration++)
        {
            var rhoNext = Dot(rHat, r);
            if (rhoNext == 0)
            {
                break;
            }

            var beta = rhoNext / rho * (alpha / omega);
            rho = rhoNext;
            for (var i = 0; i < n; i++)
            {
                p[i] = r[i] + (beta * (p[i] - (omega * v[i])));
            }

            apply(p, v);
            alpha = rho / Dot(rHat, v);
            for (var i = 0; i < n; i++)
            {
                s[i] = r[i] - (alpha * v[i]);
            }

            apply(s, t);
            var tt = Dot(t, t);
            omega = tt == 0 ? 0 : Dot(t, s) / tt;
            for (var i = 0; i < n; i++)
            {
                x[i] += (alpha * p[i]) + (omega * s[i]);
                r[i] = s[i] - (omega * t[i]);
            }

            if (omega == 0)
            {
                break;
            }
        }

        return x;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
