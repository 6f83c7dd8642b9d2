using PcfgLab.Reporting;

namespace PcfgLab.Tests.Reporting;

public sealed class MarkdownTableTests
{
    [Fact]
    public void Renders_headers_separator_and_escaped_rows()
    {
        var table = new MarkdownTable("a", "b").Add("1", "x|y").Add("2", "two\nlines");

        Assert.Equal("| a | b |\n|---|---|\n| 1 | x\\|y |\n| 2 | two lines |\n", table.ToString());
        Assert.Equal(2, table.RowCount);
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new MarkdownTable("a", "b").Add("1"));
    }
}
