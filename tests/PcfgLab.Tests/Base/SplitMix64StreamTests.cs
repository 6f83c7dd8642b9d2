namespace PcfgLab.Tests.Base;

public sealed class SplitMix64StreamTests
{
    [Fact]
    public void NextUInt64_follows_the_published_seed_1234567_outputs()
    {
        var stream = new SplitMix64Stream(1234567);
        Assert.Equal(6457827717110365317UL, stream.NextUInt64());
        Assert.Equal(3203168211198807973UL, stream.NextUInt64());
    }

    [Fact]
    public void NextBelow_stays_in_range_and_covers_it()
    {
        var stream = new SplitMix64Stream(7);
        var seen = new int[5];
        for (var i = 0; i < 1000; i++)
        {
            seen[stream.NextBelow(5)]++;
        }

        // 1000 draws of 5 values: each expected 200; 130 is over 5 standard deviations (12.6) below.
        Assert.All(seen, count => Assert.InRange(count, 130, 270));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SplitMix64Stream(7).NextBelow(0));
    }

    [Fact]
    public void NextIndex_is_the_high_word_of_the_product()
    {
        var stream = new SplitMix64Stream(0);
        // First output 0xE220A8397B1DCDAF: times 10, shifted right by 64, is floor(0.8833 * 10) = 8.
        Assert.Equal(8, stream.NextIndex(10));
    }

    [Fact]
    public void Streams_of_one_seed_differ_and_repeat()
    {
        var a = SplitMix64Stream.ForStream(42, 0);
        var b = SplitMix64Stream.ForStream(42, 1);
        var again = SplitMix64Stream.ForStream(42, 0);
        var first = a.NextUInt64();
        Assert.NotEqual(first, b.NextUInt64());
        Assert.Equal(first, again.NextUInt64());
    }
}
