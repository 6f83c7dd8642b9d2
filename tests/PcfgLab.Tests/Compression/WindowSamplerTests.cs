using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public class WindowSamplerTests
{
    [Fact]
    public void Keeps_every_window_while_fewer_than_capacity_arrive()
    {
        var sampler = new WindowSampler(10, seed: 1);
        for (byte i = 0; i < 4; i++)
        {
            sampler.Offer([i, i]);
        }

        Assert.Equal(4, sampler.Seen);
        Assert.Equal([0, 1, 2, 3], sampler.Sample.Select(w => (int)w[0]));
    }

    [Fact]
    public void Same_seed_gives_the_same_sample_and_another_seed_another()
    {
        static int[] Run(ulong seed)
        {
            var sampler = new WindowSampler(20, seed);
            for (var i = 0; i < 1000; i++)
            {
                sampler.Offer(BitConverter.GetBytes(i));
            }

            return [.. sampler.Sample.Select(w => BitConverter.ToInt32(w))];
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        Assert.Equal(20, Run(7).Distinct().Count());
    }

    [Fact]
    public void Every_window_is_kept_with_probability_capacity_over_stream_length()
    {
        const int Stream = 100;
        const int Capacity = 10;
        const int Runs = 3000;
        var kept = new int[Stream];
        for (var run = 0; run < Runs; run++)
        {
            var sampler = new WindowSampler(Capacity, (ulong)run);
            for (var i = 0; i < Stream; i++)
            {
                sampler.Offer(BitConverter.GetBytes(i));
            }

            foreach (var window in sampler.Sample)
            {
                kept[BitConverter.ToInt32(window)]++;
            }
        }

        // Each count is Binomial(3000, 0.1): sd = sqrt(3000 * 0.1 * 0.9) = 16.4; 4.5 sd (74) bounds all 100
        // counts with probability above 0.999.
        foreach (var count in kept)
        {
            Assert.InRange(count, 300 - 74, 300 + 74);
        }

        // First and last windows alike (a sampler biased to early or late windows fails this).
        Assert.InRange(kept.Take(50).Sum() - kept.Skip(50).Sum(), -350, 350);
    }
}
