using System.Numerics;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Sampling;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void State_1_2_3_4_gives_the_published_outputs()
    {
        // Reference outputs of xoshiro256** 1.0 from the state {1, 2, 3, 4} (as in rand_xoshiro's test suite).
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
            16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576,
        ];
        var rng = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        foreach (var value in expected)
        {
            Assert.Equal(value, rng.NextUInt64());
        }
    }

    [Fact]
    public void Seeding_expands_the_seed_with_splitmix64()
    {
        ulong state = 42;
        var expected = Xoshiro256StarStar.FromState(
            SplitMix64.Next(ref state), SplitMix64.Next(ref state), SplitMix64.Next(ref state), SplitMix64.Next(ref state));
        var rng = new Xoshiro256StarStar(42);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(expected.NextUInt64(), rng.NextUInt64());
        }
    }

    [Fact]
    public void All_zero_state_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(0, 0, 0, 0));
    }

    [Fact]
    public void Streams_are_deterministic_and_depend_on_seed_and_stream()
    {
        var a = Xoshiro256StarStar.ForStream(5, 17);
        var b = Xoshiro256StarStar.ForStream(5, 17);
        var otherStream = Xoshiro256StarStar.ForStream(5, 18);
        var otherSeed = Xoshiro256StarStar.ForStream(6, 17);
        var x = a.NextUInt64();
        Assert.Equal(x, b.NextUInt64());
        Assert.NotEqual(x, otherStream.NextUInt64());
        Assert.NotEqual(x, otherSeed.NextUInt64());
    }

    [Fact]
    public void First_outputs_of_many_streams_are_distinct()
    {
        var seen = new HashSet<ulong>();
        for (ulong stream = 0; stream < 100_000; stream++)
        {
            var rng = Xoshiro256StarStar.ForStream(1, stream);
            Assert.True(seen.Add(rng.NextUInt64()), $"stream {stream} repeats an earlier first output");
        }
    }

    [Fact]
    public void Neighbouring_streams_are_uncorrelated_bit_by_bit()
    {
        // XOR of outputs of streams d and d+1, position by position: each bit is 1 with probability 1/2 if the streams
        // are independent. Over 2000 stream pairs x 16 outputs x 64 bits = 2,048,000 bits the share has standard error
        // 0.00035; 5 standard errors is 0.0018.
        long ones = 0, bits = 0;
        for (ulong d = 0; d < 2000; d++)
        {
            var a = Xoshiro256StarStar.ForStream(3, d);
            var b = Xoshiro256StarStar.ForStream(3, d + 1);
            for (var i = 0; i < 16; i++)
            {
                ones += BitOperations.PopCount(a.NextUInt64() ^ b.NextUInt64());
                bits += 64;
            }
        }

        Assert.InRange((double)ones / bits, 0.5 - 0.0018, 0.5 + 0.0018);
    }

    [Fact]
    public void Doubles_are_uniform_in_the_unit_interval()
    {
        // 200,000 uniforms: mean 1/2 with standard error sqrt(1/12 / 200000) = 0.00065; 5 standard errors = 0.0032.
        var rng = new Xoshiro256StarStar(9);
        var sum = 0.0;
        const int Count = 200_000;
        for (var i = 0; i < Count; i++)
        {
            var x = rng.NextDouble();
            Assert.InRange(x, 0.0, Math.BitDecrement(1.0));
            sum += x;
        }

        Assert.InRange(sum / Count, 0.5 - 0.0032, 0.5 + 0.0032);
    }
}
