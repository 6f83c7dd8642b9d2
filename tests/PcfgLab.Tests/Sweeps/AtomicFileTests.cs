using System.Text;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

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
        Assert.StartsWith(".out.txt.", Path.GetFileName(temporary), StringComparison.Ordinal);
        Assert.EndsWith(".tmp", temporary, StringComparison.Ordinal);
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
}
