using PcfgLab.Cli;

namespace PcfgLab.Tests.Cli;

public sealed class CliTableTests
{
    [Fact]
    public void Columns_are_two_blanks_apart_text_left_numbers_right_without_trailing_blanks()
    {
        var table = new CliTable(["dataset", "H", "runs"]).Add(["gzipscale-0.11", "0.1133", "12"]).Add(["a", "-", "7"]);

        Assert.Equal(
            "dataset              H  runs\n" +
            "gzipscale-0.11  0.1133    12\n" +
            "a                    -     7\n",
            table.ToString());
    }

    [Fact]
    public void Chosen_columns_are_left_aligned_and_trailing_blanks_are_trimmed()
    {
        var table = new CliTable(["n", "name", "x"], [1, 2]).Add(["10", "ab", "long value"]).Add(["7", "abcd", "v"]);

        Assert.Equal([" n  name  x", "10  ab    long value", " 7  abcd  v"], table.Lines());
    }

    [Fact]
    public void Cells_are_literal_text_not_markup()
    {
        var table = new CliTable(["name", "value"]).Add(["[red]x[/]", "[1]"]);

        Assert.Equal(["name       value", "[red]x[/]    [1]"], table.Lines());
    }

    [Fact]
    public void A_wide_table_is_never_wrapped()
    {
        var wide = new string('x', 500);
        var table = new CliTable(["a", "b"]).Add([wide, wide]);

        Assert.Equal(wide + "  " + wide, table.Lines()[1]);
    }

    [Fact]
    public void A_key_value_block_has_no_header_and_a_key_without_value_stands_alone()
    {
        var table = CliTable.KeyValue().Add(["rules", "12"]).Add(["conditioned", string.Empty]).Add(["  radius", "0.5"]);

        Assert.Equal("rules        12\nconditioned\n  radius     0.5\n", table.ToString());
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_rejected()
    {
        var table = new CliTable(["a", "b"]);

        Assert.Throws<ArgumentException>(() => table.Add(["only one"]));
        Assert.Equal(0, table.RowCount);
    }
}
