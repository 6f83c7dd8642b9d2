using PcfgLab.Compression.Corpora;

namespace PcfgLab.Tests.Compression.Corpora;

public class FileGlobTests
{
    [Theory]
    [InlineData("*.py", "a.py", "x/a.py", true)]
    [InlineData("*.py", "a.pyc", "x/a.pyc", false)]
    [InlineData("test_?.py", "test_1.py", "test_1.py", true)]
    [InlineData("test_?.py", "test_12.py", "test_12.py", false)]
    [InlineData("**/tests/**", "a.py", "lib/tests/a.py", true)]
    [InlineData("**/tests/**", "a.py", "tests/a.py", true)]
    [InlineData("**/tests/**", "a.py", "lib/contests/a.py", false)]
    [InlineData("src/*.c", "m.c", "src/m.c", true)]
    [InlineData("src/*.c", "m.c", "src/x/m.c", false)]
    [InlineData("a+b(1).txt", "a+b(1).txt", "a+b(1).txt", true)]
    public void Matches_names_or_relative_paths(string pattern, string name, string relative, bool expected) =>
        Assert.Equal(expected, new FileGlob(pattern).IsMatch(name, relative));
}
