using System.Text;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Base;

public sealed class AtomicFileTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-atomic-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void WriteAllText_writes_utf8_without_a_byte_order_mark_and_creates_the_folder()
    {
        var path = Path.Combine(_root.FullName, "nested", "deeper", "plan.json");
        AtomicFile.WriteAllText(path, "é{}\n");
        Assert.Equal(new byte[] { 0xC3, 0xA9, (byte)'{', (byte)'}', (byte)'\n' }, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void WriteAllText_replaces_existing_content_entirely()
    {
        var path = Path.Combine(_root.FullName, "report.md");
        File.WriteAllText(path, "a much longer original content that must not survive");
        AtomicFile.WriteAllText(path, "short");
        Assert.Equal("short", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Theory]
    [InlineData("a", 255)]
    [InlineData("\u65e5", 85)]
    [InlineData("\ud83d\ude00", 63)]
    public void A_legal_255_byte_name_is_written_through_a_temporary_name_that_fits_too(string unit, int repeat)
    {
        // 255 bytes of a, of 3-byte 日 and of 4-byte 😀 (with one more a to reach 255): the temporary name
        // ".NAME.tmp-" + 12 hex digits was 273 bytes and the write failed with "File name too long".
        var name = string.Concat(Enumerable.Repeat(unit, repeat));
        name += new string('a', 255 - System.Text.Encoding.UTF8.GetByteCount(name));
        Assert.Equal(255, System.Text.Encoding.UTF8.GetByteCount(name));
        var path = Path.Combine(_root.FullName, name);

        var temporary = Path.GetFileName(AtomicFile.TemporaryPathFor(path));
        AtomicFile.WriteAllText(path, "x");

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(temporary), 252, 255);
        Assert.True(AtomicFile.IsTemporaryName(temporary));
        Assert.DoesNotContain('\uFFFD', System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(temporary)));
        Assert.StartsWith("." + name[..10], temporary, StringComparison.Ordinal);
        Assert.Equal("x", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Fact]
    public void The_temporary_file_is_a_hidden_sibling_and_is_gone_after_the_rename()
    {
        var path = Path.Combine(_root.FullName, "out.txt");
        string? temporary = null;
        AtomicFile.Write(path, tmp =>
        {
            temporary = tmp;
            Assert.False(File.Exists(path)); // nothing is visible under the final name while writing
            File.WriteAllText(tmp, "done");
        });

        Assert.NotNull(temporary);
        Assert.Equal(_root.FullName, Path.GetDirectoryName(temporary));
        Assert.StartsWith(".out.txt.tmp-", Path.GetFileName(temporary), StringComparison.Ordinal);
        Assert.True(AtomicFile.IsTemporaryName(Path.GetFileName(temporary)));
        Assert.False(File.Exists(temporary));
        Assert.Equal("done", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Fact]
    public void The_temporary_file_is_renamed_not_copied()
    {
        // A rename keeps the file (the inode on Unix): a handle opened on the temporary file while writing still
        // reads the final file afterwards, which a copy followed by a delete would not give.
        var path = Path.Combine(_root.FullName, "renamed.txt");
        File.WriteAllText(path, "old content");
        FileStream? held = null;
        try
        {
            AtomicFile.Write(path, tmp =>
            {
                File.WriteAllText(tmp, "new");
                held = new FileStream(tmp, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            });
            Assert.NotNull(held);
            held.Seek(0, SeekOrigin.End);
            held.Write("!"u8);
            held.Flush();
            Assert.Equal("new!", File.ReadAllText(path));
        }
        finally
        {
            held?.Dispose();
        }
    }

    [Fact]
    public void A_failed_write_leaves_no_file_and_no_temporary()
    {
        var path = Path.Combine(_root.FullName, "new.txt");
        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "half of the");
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.Equal("disk on fire", error.Message);
        Assert.Empty(Directory.GetFiles(_root.FullName));
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_content()
    {
        var path = Path.Combine(_root.FullName, "kept.txt");
        File.WriteAllText(path, "previous", Encoding.UTF8);
        var previous = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "partial replacement");
            throw new IOException("interrupted");
        }));
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Fact]
    public void A_write_that_never_creates_the_temporary_fails_and_leaves_the_target_alone()
    {
        var path = Path.Combine(_root.FullName, "untouched.txt");
        File.WriteAllText(path, "old");
        Assert.Throws<FileNotFoundException>(() => AtomicFile.Write(path, _ => { }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Theory]
    [InlineData(".train-00000-of-00004.parquet.tmp-0123456789ab", true)]
    [InlineData(".dataset.json.tmp-abcdef012345", true)]
    [InlineData(".fit.json.0123abcd.tmp", true)] // the name earlier versions used
    [InlineData("train-00000-of-00004.parquet.tmp-0123456789ab", false)] // not hidden: not ours
    [InlineData(".train.parquet.tmp-0123456789", false)] // 10 digits
    [InlineData(".train.parquet.tmp-0123456789AB", false)] // upper case
    [InlineData(".notes.tmp", false)]
    [InlineData(".pcfglab.lock", false)]
    public void Only_the_tools_own_temporary_names_count_as_temporary(string name, bool expected) =>
        Assert.Equal(expected, AtomicFile.IsTemporaryName(name));

    [SystemPathFact("coreutils", SpecialFiles.MkFifo)]
    public void A_named_pipe_is_not_replaced()
    {
        var path = Path.Combine(_root.FullName, "pipe");
        Assert.True(SpecialFiles.TryMakeFifo(path));
        var error = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText(path, "text"));
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
        Assert.True(SpecialFiles.IsFifo(path));
        Assert.Equal([path], Directory.GetFiles(_root.FullName));
    }

    [Fact]
    public void A_folder_or_a_symbolic_link_is_not_replaced()
    {
        var folder = Path.Combine(_root.FullName, "folder.json");
        Directory.CreateDirectory(folder);
        Assert.Contains("is a folder", Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText(folder, "x")).Message, StringComparison.Ordinal);
        var target = Path.Combine(_root.FullName, "target.txt");
        File.WriteAllText(target, "kept");
        var link = Path.Combine(_root.FullName, "link.txt");
        File.CreateSymbolicLink(link, target);
        Assert.Contains("symbolic link", Assert.Throws<UserInputException>(() => AtomicFile.Write(link, tmp => File.WriteAllText(tmp, "x"))).Message, StringComparison.Ordinal);
        Assert.Equal("kept", File.ReadAllText(target));
        Assert.Equal(OutputPathKind.SymbolicLink, AtomicFile.KindOf(link));
    }

    [SystemPathFact("the Unix /dev", "/dev/null")]
    public void Device_nodes_are_special_and_regular_files_are_not()
    {
        Assert.Equal(OutputPathKind.Special, AtomicFile.KindOf("/dev/null"));
        var file = Path.Combine(_root.FullName, "file.txt");
        Assert.Equal(OutputPathKind.Missing, AtomicFile.KindOf(file));
        File.WriteAllText(file, "x");
        Assert.Equal(OutputPathKind.RegularFile, AtomicFile.KindOf(file));
        Assert.Equal(OutputPathKind.Directory, AtomicFile.KindOf(_root.FullName));
    }

    [Fact]
    public void Stale_temporary_files_go_but_other_files_and_live_ones_stay()
    {
        var stale = Path.Combine(_root.FullName, ".train-00000-of-00002.parquet.tmp-0123456789ab");
        File.WriteAllBytes(stale, new byte[1000]);
        var old = Path.Combine(_root.FullName, ".fit.json.0123abcd.tmp");
        File.WriteAllBytes(old, new byte[24]);
        var live = Path.Combine(_root.FullName, ".dataset.json.tmp-abcdefabcdef");
        File.WriteAllBytes(live, new byte[5]);
        var other = Path.Combine(_root.FullName, "notes.tmp");
        File.WriteAllBytes(other, new byte[7]);
        using (new FileStream(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // A live writer holds its temporary file locked (as every writer here does): it is left alone.
            var (files, bytes) = AtomicFile.RemoveStaleTemporaryFiles(_root.FullName);
            Assert.Equal([old, stale], files.Order(StringComparer.Ordinal));
            Assert.Equal(1024, bytes);
        }

        Assert.Equal([live, other], Directory.GetFiles(_root.FullName).Order(StringComparer.Ordinal));
    }
}
