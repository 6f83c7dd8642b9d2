using PcfgLab.Compression.Corpora;

namespace PcfgLab.Tests.Compression.Corpora;

public sealed class FileWalkerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-walk-");

    public FileWalkerTests()
    {
        foreach (var file in new[] { "b.py", "a.py", "notes.txt", "pkg/z.py", "pkg/tests/t.py", ".git/config", "pkg/sub/y.h" })
        {
            var path = Path.Combine(_dir.FullName, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string[] Walk(string[]? includes, string[]? excludes) =>
        [.. new FileWalker(includes, excludes).Files(_dir.FullName).Select(f => Path.GetRelativePath(_dir.FullName, f.FullName).Replace('\\', '/'))];

    [Fact]
    public void Lists_files_then_subfolders_in_ordinal_order() =>
        Assert.Equal(["a.py", "b.py", "notes.txt", ".git/config", "pkg/z.py", "pkg/sub/y.h", "pkg/tests/t.py"], Walk(null, null));

    [Fact]
    public void Includes_are_repeatable_and_excludes_prune_folders()
    {
        Assert.Equal(["a.py", "b.py", "pkg/z.py", "pkg/sub/y.h", "pkg/tests/t.py"], Walk(["*.py", "*.h"], null));
        Assert.Equal(["a.py", "b.py", "pkg/z.py"], Walk(["*.py"], ["tests"]));
        Assert.Equal(["a.py", "b.py", "pkg/z.py"], Walk(["*.py"], ["**/tests/**"]));
        Assert.Equal(["a.py", "notes.txt", "pkg/sub/y.h"], Walk(null, [".git", "b.py", "pkg/*.py", "**/tests/**"]));
    }

    [Fact]
    public void A_file_is_its_own_corpus_and_a_missing_path_is_a_user_error()
    {
        Assert.Single(new FileWalker(["*.nothing"]).Files(Path.Combine(_dir.FullName, "a.py")));
        Assert.Throws<UserInputException>(() => new FileWalker().Files(Path.Combine(_dir.FullName, "missing")).ToList());
    }
}
