using PcfgLab.Floor;

namespace PcfgLab.Tests.Floor;

public sealed class UndefinedFloorTests
{
    [Fact]
    public void Only_the_marked_error_says_the_floor_is_not_defined_whatever_its_wording()
    {
        // Before the marker, 'grammar info' matched the message's first words ("rule ", "a rule ", "the grammar"):
        // any other error worded so was swallowed as "not defined", and a reworded one escaped.
        Assert.True(UndefinedFloorException.IsUndefined(UndefinedFloorException.Error("anything at all")));
        Assert.False(UndefinedFloorException.IsUndefined(new UserInputException("rule S -> A is malformed")));
        Assert.False(UndefinedFloorException.IsUndefined(new UserInputException("the grammar file is missing")));
        Assert.Equal("anything at all", UndefinedFloorException.Error("anything at all").Message);
    }
}
