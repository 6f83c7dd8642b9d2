using PcfgLab.Grammars;

namespace PcfgLab.Tests.Grammars;

public sealed class SparseMatrixTests
{
    private static SparseMatrix FromEdges(int size, params (int From, int To, double Weight)[] edges) =>
        new(size, i => edges.Where(e => e.From == i).Select(e => (e.To, e.Weight)));

    [Fact]
    public void Components_come_after_everything_they_reach()
    {
        // 0 -> 1 <-> 2 -> 3, 4 alone: {3} before {1, 2} before {0}.
        var m = FromEdges(5, (0, 1, 1), (1, 2, 1), (2, 1, 1), (2, 3, 1));
        var components = m.Components();
        Assert.Equal(4, components.Count);
        int IndexOf(int node) => components.FindIndex(c => c.Contains(node));
        Assert.Equal([1, 2], components[IndexOf(1)]);
        Assert.True(IndexOf(3) < IndexOf(1));
        Assert.True(IndexOf(1) < IndexOf(0));
    }

    [Fact]
    public void Repeated_entries_of_a_row_are_summed()
    {
        var m = FromEdges(2, (0, 1, 0.25), (0, 1, 0.5), (1, 1, 0));
        Assert.Equal(1, m.NonZeroCount);
        Assert.Equal(0.75, m.ValuesOf(0)[0]);
    }

    [Theory]
    [InlineData(10)] // dense eigenvalues
    [InlineData(1000)] // power method: a periodic cycle, which needs the shift by I
    public void The_radius_of_a_weighted_cycle_is_its_weight(int size)
    {
        var m = new SparseMatrix(size, i => [((i + 1) % size, 0.5)]);
        Assert.Equal(0.5, m.SpectralRadius(), 10);
    }

    [Fact]
    public void A_triangular_matrix_has_the_radius_of_its_diagonal()
    {
        var m = FromEdges(3, (0, 0, 0.3), (0, 1, 5), (1, 1, 0.7), (1, 2, 9), (2, 2, 0.1));
        Assert.Equal(0.7, m.SpectralRadius(), 15);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(600)] // above the dense limit: BiCGSTAB
    public void Solving_I_minus_M_matches_the_closed_form_of_a_uniform_cycle(int size)
    {
        // Every row sums to 0.5, so (I - M) x = 1 has x = 2 everywhere.
        var m = new SparseMatrix(size, i => [((i + 1) % size, 0.25), ((i + 2) % size, 0.25)]);
        var b = Enumerable.Repeat(1.0, size).ToArray();
        var x = m.SolveIdentityMinus([b])[0];
        Assert.All(x, value => Assert.Equal(2.0, value, 12));
    }

    [Fact]
    public void A_long_chain_is_solved_by_substitution()
    {
        // x_i = 1 + x_(i+1), x_last = 1: x_0 = n.
        const int n = 100_000;
        var m = new SparseMatrix(n, i => i + 1 < n ? [(i + 1, 1.0)] : []);
        var x = m.SolveIdentityMinus([Enumerable.Repeat(1.0, n).ToArray()])[0];
        Assert.Equal(n, x[0]);
        Assert.Equal(0.0, m.SpectralRadius());
    }
}
