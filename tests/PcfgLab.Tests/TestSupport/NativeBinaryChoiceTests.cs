namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// NativeBinary's choice: the binary .ci/run hands over in PCFGLAB_NATIVE_BINARY when it is set (checked: it exists and
/// answers 'version'), a publish of its own otherwise, so that plain <c>dotnet test</c> on a fresh clone still works.
/// </summary>
public sealed class NativeBinaryChoiceTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private int _publishes;

    public void Dispose() => _temp.Dispose();

    private string Publish()
    {
        _publishes++;
        return "/published/here";
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_the_variable_the_tests_publish_their_own(string? given)
    {
        Assert.Equal("/published/here", NativeBinary.Choose(given, Publish));
        Assert.Equal(1, _publishes);
    }

    [Fact]
    public void A_given_binary_that_answers_version_is_used_and_nothing_is_published()
    {
        var binary = Script("pcfglab", "[ \"$1\" = version ] && echo 'pcfglab 1.0' || exit 3");

        Assert.Equal(_temp.Path, NativeBinary.Choose(binary, Publish));
        Assert.Equal(0, _publishes);
    }

    [Fact]
    public void A_given_path_with_no_file_fails_at_once_and_names_the_variable()
    {
        var missing = Path.Combine(_temp.Path, "absent", "pcfglab");

        var error = Assert.Throws<InvalidOperationException>(() => NativeBinary.Choose(missing, Publish));

        Assert.Equal($"PCFGLAB_NATIVE_BINARY={missing}: no such file; point it at a published pcfglab, or unset it and the tests publish one", error.Message);
        Assert.Equal(0, _publishes);
    }

    [Fact]
    public void A_given_binary_that_does_not_run_fails_at_once_and_says_why()
    {
        var broken = Script("pcfglab", "echo 'libSkiaSharp.so: not found' >&2; exit 127");

        var error = Assert.Throws<InvalidOperationException>(() => NativeBinary.Choose(broken, Publish));

        Assert.StartsWith($"PCFGLAB_NATIVE_BINARY={broken}: 'version' failed (127): ", error.Message, StringComparison.Ordinal);
        Assert.Contains("libSkiaSharp.so: not found", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _publishes);
    }
}
