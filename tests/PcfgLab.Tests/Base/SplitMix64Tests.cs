namespace PcfgLab.Tests.Base;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Seed_1234567_gives_the_published_outputs()
    {
        // Vigna's splitmix64.c seeded with 1234567 (also Rosetta Code "Pseudo-random numbers/Splitmix64").
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (var value in expected)
        {
            Assert.Equal(value, SplitMix64.Next(ref state));
        }
    }

    [Fact]
    public void Seed_0_gives_the_published_outputs()
    {
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.Next(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SplitMix64.Next(ref state));
        Assert.Equal(0x06C45D188009454FUL, SplitMix64.Next(ref state));
        Assert.Equal(0xF88BB8A8724C81ECUL, SplitMix64.Next(ref state));
    }

    [Fact]
    public void Mix_is_the_output_function_of_the_counter()
    {
        Assert.Equal(0UL, SplitMix64.Mix(0));
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.Mix(SplitMix64.Increment));
    }
}
