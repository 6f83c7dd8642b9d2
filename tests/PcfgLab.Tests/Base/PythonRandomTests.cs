namespace PcfgLab.Tests.Base;

// Expected values printed by CPython 3.11's random module.
public sealed class PythonRandomTests
{
    [Fact]
    public void Random_matches_cpython_for_seed_1()
    {
        var r = new PythonRandom(1);
        Assert.Equal(0.13436424411240122, r.NextDouble());
        Assert.Equal(0.8474337369372327, r.NextDouble());
        Assert.Equal(0.763774618976614, r.NextDouble());
    }

    [Fact]
    public void Getrandbits_matches_cpython()
    {
        var r = new PythonRandom(1);
        Assert.Equal(577090037u, r.GetRandBits(32));
        Assert.Equal(2444712010u, r.GetRandBits(32));
        Assert.Equal(3639700191u, r.GetRandBits(32));
    }

    [Fact]
    public void Randint_and_choice_match_cpython_for_a_two_word_seed()
    {
        var r = new PythonRandom(12345678901234);
        int[] expected = [4, 72, 19, 55, 68, 52];
        foreach (var e in expected)
        {
            Assert.Equal(e, r.RandInt(1, 100));
        }

        Assert.Equal(15, r.RandBelow(17));
    }

    [Theory]
    [InlineData(-5, 0.6229016948897019)]
    [InlineData(0, 0.8444218515250481)]
    public void Negative_and_zero_seeds_match_cpython(long seed, double first)
    {
        Assert.Equal(first, new PythonRandom(seed).NextDouble());
    }

    [Fact]
    public void ChooseCumulative_matches_cpython_choices()
    {
        var r = new PythonRandom(3);
        double[] cumulative = [0.1, 0.5, 0.75, 1.0];
        int[] expected = [1, 2, 1, 2, 2, 0, 0, 3];
        foreach (var e in expected)
        {
            Assert.Equal(e, r.ChooseCumulative(cumulative));
        }
    }

    [Fact]
    public void Randint_rejects_an_empty_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PythonRandom(1).RandInt(5, 4));
    }
}
