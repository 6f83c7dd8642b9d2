using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepDeadlineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    private static PlanCell Cell(long parameters, long tokens) => new()
    {
        CellId = $"d__h8__D{tokens}__s0",
        Dataset = "d",
        DatasetPath = "d",
        Shape = LlamaShape.Study[0],
        Parameters = parameters,
        Tokens = tokens,
        Training = new TrainingSettings(),
    };

    [Fact]
    public void A_number_is_seconds_from_now()
    {
        Assert.Equal(Now.AddSeconds(540), SweepDeadline.Parse("540", Now).StopAt);
        Assert.Equal(Now.AddSeconds(2.5), SweepDeadline.Parse("2.5", Now).StopAt);
    }

    [Fact]
    public void A_time_is_absolute_and_utc_when_it_names_no_offset()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero), SweepDeadline.Parse("2026-12-06T01:00:00Z", Now).StopAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero), SweepDeadline.Parse("2026-12-06T02:00:00+01:00", Now).StopAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero), SweepDeadline.Parse("2026-12-06T01:00:00", Now).StopAt);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("NaN")]
    [InlineData("12:00")]
    public void Anything_else_is_a_one_line_error_naming_the_option(string text)
    {
        var error = Assert.Throws<UserInputException>(() => SweepDeadline.Parse(text, Now));
        Assert.Equal(["deadline"], error.Parameters);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_cell_of_an_unmeasured_size_is_expected_to_take_no_time_and_starts_until_the_deadline()
    {
        var deadline = new SweepDeadline(Now.AddSeconds(10));

        Assert.Equal(TimeSpan.Zero, deadline.Expected(Cell(1000, 1_000_000)));
        Assert.True(deadline.CanStart(Cell(1000, 1_000_000), Now.AddSeconds(9.9)));
        Assert.False(deadline.CanStart(Cell(1000, 1_000_000), Now.AddSeconds(10)));
    }

    [Fact]
    public void Expected_time_is_the_fixed_cost_plus_D_times_the_slowest_rate_of_the_same_N()
    {
        var deadline = new SweepDeadline(Now.AddSeconds(100));
        deadline.Observe(Cell(1000, 100_000), TimeSpan.FromSeconds(5));   // the shortest: 5 s of fixed cost
        deadline.Observe(Cell(1000, 1_000_000), TimeSpan.FromSeconds(15)); // 10 s over 1M tokens: 1e-5 s per token
        deadline.Observe(Cell(9000, 100_000), TimeSpan.FromSeconds(25));   // another N: 2e-4 s per token

        Assert.Equal(5 + 30.0, deadline.Expected(Cell(1000, 3_000_000)).TotalSeconds, 9);
        Assert.Equal(5 + 200.0, deadline.Expected(Cell(9000, 1_000_000)).TotalSeconds, 9);
        Assert.Equal(TimeSpan.Zero, deadline.Expected(Cell(5000, 1_000_000)));
        Assert.True(deadline.CanStart(Cell(1000, 3_000_000), Now.AddSeconds(65)));
        Assert.False(deadline.CanStart(Cell(1000, 3_000_000), Now.AddSeconds(66)));
    }

    [Fact]
    public void A_shorter_cell_lowers_the_fixed_cost_and_every_rate_is_measured_again_above_it()
    {
        var deadline = new SweepDeadline(Now.AddSeconds(100));
        deadline.Observe(Cell(1000, 1_000_000), TimeSpan.FromSeconds(15));
        Assert.Equal(15, deadline.Expected(Cell(1000, 1_000_000)).TotalSeconds, 9); // alone, it is all fixed cost

        deadline.Observe(Cell(2000, 100_000), TimeSpan.FromSeconds(5));

        Assert.Equal(5 + 10.0, deadline.Expected(Cell(1000, 1_000_000)).TotalSeconds, 9);
    }
}
