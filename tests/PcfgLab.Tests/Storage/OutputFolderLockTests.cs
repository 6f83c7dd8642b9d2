using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class OutputFolderLockTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pcfglab-lock-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void A_second_claim_fails_at_once_naming_the_first_and_succeeds_after_release()
    {
        var folder = Path.Combine(_root.FullName, "out");
        using (var first = OutputFolderLock.Acquire(folder, "first run, process 12"))
        {
            Assert.Equal(folder, first.Folder);
            var error = Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(folder, "second run"));
            Assert.Contains("in use by another run (first run, process 12, started ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }

        using var again = OutputFolderLock.Acquire(folder, "third run");
        Assert.StartsWith("third run, started ", File.ReadAllText(Path.Combine(folder, OutputFolderLock.OwnerFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Release_removes_the_lock_file_and_the_owner_description()
    {
        var folder = _root.FullName;
        File.WriteAllText(Path.Combine(folder, "data.txt"), "kept");
        var claim = OutputFolderLock.Acquire(folder, "run");
        Assert.True(File.Exists(Path.Combine(folder, OutputFolderLock.FileName)));
        claim.Dispose();
        Assert.Equal(["data.txt"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_lock_file_left_by_a_killed_run_is_reused_and_removed()
    {
        var folder = _root.FullName;
        File.WriteAllText(Path.Combine(folder, OutputFolderLock.FileName), string.Empty);
        File.WriteAllText(Path.Combine(folder, OutputFolderLock.OwnerFileName), "killed run, started 2026-01-01 00:00:00Z\n");
        OutputFolderLock.Acquire(folder, "run").Dispose();
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void The_last_part_to_finish_removes_the_folder_lock_and_the_parts_leave_nothing()
    {
        var folder = _root.FullName;
        var part0 = OutputFolderLock.Acquire(folder, "shard 0", "train-00000-of-00002");
        var part1 = OutputFolderLock.Acquire(folder, "shard 1", "train-00001-of-00002");
        part0.Dispose();

        // Shard 1 still holds the folder's lock shared: a whole run is still refused.
        Assert.True(File.Exists(Path.Combine(folder, OutputFolderLock.FileName)));
        Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(folder, "whole"));
        part1.Dispose();
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_locked_file_that_was_deleted_from_the_folder_is_known_as_deleted()
    {
        var path = Path.Combine(_root.FullName, OutputFolderLock.FileName);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        Assert.True(OutputFolderLock.IsStillAtPath(stream));
        File.Delete(path);

        // The check reads /proc/self/fd, which only Linux has; elsewhere it says "still there" (documented).
        Assert.Equal(!OperatingSystem.IsLinux(), OutputFolderLock.IsStillAtPath(stream));

        // A new file of the same name does not make the orphan current again.
        File.WriteAllText(path, string.Empty);
        Assert.Equal(!OperatingSystem.IsLinux(), OutputFolderLock.IsStillAtPath(stream));
    }

    [Fact]
    public void Parts_run_side_by_side_but_not_beside_a_whole_run_or_the_same_part()
    {
        var folder = _root.FullName;
        using (var part0 = OutputFolderLock.Acquire(folder, "shard 0", "train-00000-of-00002"))
        using (var part1 = OutputFolderLock.Acquire(folder, "shard 1", "train-00001-of-00002"))
        {
            Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(folder, "shard 0 again", "train-00000-of-00002"));
            var whole = Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(folder, "whole"));
            Assert.Contains("shard 0, started", whole.Message, StringComparison.Ordinal);
            Assert.Contains("shard 1, started", whole.Message, StringComparison.Ordinal);
        }

        using (OutputFolderLock.Acquire(folder, "whole"))
        {
            Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(folder, "shard 0", "train-00000-of-00002"));

            // Under the whole claim no part is alive: the parts' lock files of the split run are gone.
            Assert.Equal([OutputFolderLock.FileName, OutputFolderLock.OwnerFileName], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Claiming_removes_stale_temporary_files_and_a_part_only_its_own()
    {
        var folder = _root.FullName;
        var mine = Path.Combine(folder, ".train-00001-of-00002.parquet.tmp-0123456789ab");
        var theirs = Path.Combine(folder, ".train-00000-of-00002.parquet.tmp-0123456789ab");
        File.WriteAllBytes(mine, new byte[10]);
        File.WriteAllBytes(theirs, new byte[20]);
        using (var part = OutputFolderLock.Acquire(folder, "shard 1", "train-00001-of-00002"))
        {
            Assert.Equal([mine], part.RemovedTemporaryFiles);
            Assert.Equal(10, part.RemovedTemporaryBytes);
        }

        using var whole = OutputFolderLock.Acquire(folder, "whole");
        Assert.Equal([theirs], whole.RemovedTemporaryFiles);
        Assert.Equal(20, whole.RemovedTemporaryBytes);
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_a_one_line_error()
    {
        var file = Path.Combine(_root.FullName, "file");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<UserInputException>(() => OutputFolderLock.Acquire(Path.Combine(file, "sub"), "run"));
        Assert.StartsWith("Cannot write to output folder", error.Message, StringComparison.Ordinal);
    }
}
