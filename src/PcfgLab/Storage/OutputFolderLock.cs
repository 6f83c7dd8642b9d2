using System.Globalization;

namespace PcfgLab.Storage;

/// <summary>
/// An exclusive claim on an output folder for the length of one run, so that two runs never write into the same
/// folder at once (two <c>generate</c> runs used to leave the shards of both datasets side by side). The claim is an
/// operating-system lock on <c>.pcfglab.lock</c> (<c>flock</c> on Unix, a share lock on Windows): it ends when the
/// holder disposes it or dies, so a killed run never leaves the folder claimed. The holder describes itself in
/// <c>.pcfglab.lock.owner</c>, which a second run quotes when it is refused (the locked file itself cannot be read by
/// another process). The holder deletes the lock file while it still holds it, so a finished run leaves nothing
/// behind (a Hub upload of a dataset folder would carry it). A run that opened the file just before it was deleted then
/// holds a lock on a file no longer in the folder: after locking, each run checks that the file it locked is still the
/// one at the path (on Linux, through <c>/proc/self/fd</c>) and starts again when it is not, so two runs never hold
/// two files of one name. A killed run leaves an unlocked lock file, which the next run reuses and removes.
/// A run that writes only a part of the folder (one <c>--shard i/n</c> job of a batch array) takes the folder's lock
/// shared and its part's lock exclusive: parts run side by side, but never beside a whole run or the same part.
/// </summary>
internal sealed class OutputFolderLock : IDisposable
{
    /// <summary>Name of the lock file in the folder.</summary>
    public const string FileName = ".pcfglab.lock";

    /// <summary>Name of the file that says who holds the lock.</summary>
    public const string OwnerFileName = ".pcfglab.lock.owner";

    /// <summary>How often a run starts again after finding that the file it locked was deleted under it.</summary>
    private const int ReopenAttempts = 100;

    private readonly FileStream _lock;
    private readonly FileStream? _shared;
    private readonly string _ownerPath;
    private readonly string _lockPath;
    private bool _disposed;

    private OutputFolderLock(string folder, FileStream lockStream, FileStream? shared, string ownerPath, string lockPath, IReadOnlyList<string> removed, long removedBytes)
    {
        Folder = folder;
        _lock = lockStream;
        _shared = shared;
        _ownerPath = ownerPath;
        _lockPath = lockPath;
        RemovedTemporaryFiles = removed;
        RemovedTemporaryBytes = removedBytes;
    }

    /// <summary>The folder, as a full path.</summary>
    public string Folder { get; }

    /// <summary>Temporary files of earlier, killed runs that <see cref="Acquire"/> removed.</summary>
    public IReadOnlyList<string> RemovedTemporaryFiles { get; }

    /// <summary>Their total size in bytes.</summary>
    public long RemovedTemporaryBytes { get; }

    /// <summary>
    /// Claims <paramref name="folder"/> (created when missing) and removes the temporary files earlier runs left there
    /// (only names this tool makes, only those no live process holds).
    /// </summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="owner">Who is running what, for the message a second run prints (for example <c>pcfglab generate, process 42</c>).</param>
    /// <param name="part">
    /// Null to claim the whole folder; otherwise the name of the part this run writes (for example
    /// <c>train-00003-of-00016</c>), claimed alone beside other parts. Only temporary files whose names contain the
    /// part are then removed.
    /// </param>
    /// <exception cref="UserInputException">Another run holds the folder or the part, or the folder cannot be created or written.</exception>
    public static OutputFolderLock Acquire(string folder, string owner, string? part = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(owner);
        var full = CreateFolder(folder);
        var lockName = part is null ? FileName : ".pcfglab." + part + ".lock";
        FileStream? shared = null;
        FileStream own;
        try
        {
            // A part holds the folder's lock shared (a whole run cannot start), then its own lock exclusive.
            shared = part is null ? null : Open(folder, full, FileName, exclusive: false);
            own = Open(folder, full, lockName, exclusive: true);
        }
        catch
        {
            shared?.Dispose();
            throw;
        }

        var ownerPath = Path.Combine(full, lockName + ".owner");
        try
        {
            var started = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            AtomicFile.WriteAllText(ownerPath, owner + ", started " + started + "\n");
            var (removed, bytes) = AtomicFile.RemoveStaleTemporaryFiles(full, part is null ? null : name => name.Contains(part, StringComparison.Ordinal));
            if (part is null)
            {
                RemovePartLocks(full);
            }

            return new OutputFolderLock(full, own, shared, ownerPath, Path.Combine(full, lockName), removed, bytes);
        }
        catch
        {
            own.Dispose();
            shared?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Under the folder's exclusive lock no part run is alive (each holds the folder's lock shared), so the part lock
    /// files of earlier split runs can go without the risk of two runs locking two files of one name.
    /// </summary>
    private static void RemovePartLocks(string full)
    {
        foreach (var file in Directory.EnumerateFiles(full, ".pcfglab.*.lock*"))
        {
            var name = Path.GetFileName(file);
            if (name is FileName or OwnerFileName || !(name.EndsWith(".lock", StringComparison.Ordinal) || name.EndsWith(".lock.owner", StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next whole run: a lock file does no harm.
            }
        }
    }

    private static string CreateFolder(string folder)
    {
        try
        {
            var full = Path.GetFullPath(folder);
            Directory.CreateDirectory(full);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"Cannot write to output folder '{folder}': {ex.Message}", ex);
        }
    }

    private static FileStream Open(string folder, string full, string lockName, bool exclusive)
    {
        var lockPath = Path.Combine(full, lockName);
        AtomicFile.EnsureReplaceable(lockPath, "lock");
        for (var attempt = 0; ; attempt++)
        {
            var stream = OpenOnce(folder, full, lockPath, exclusive);
            if (IsStillAtPath(stream) || attempt >= ReopenAttempts)
            {
                return stream;
            }

            // The holder before us deleted the file between our open and our lock: ours is an orphan.
            stream.Dispose();
        }
    }

    private static FileStream OpenOnce(string folder, string full, string lockPath, bool exclusive)
    {
        try
        {
            if (!File.Exists(lockPath))
            {
                // Created empty first, so that a shared holder can open it read-only (a read-only shared lock works on
                // every file system; a writable one does not on some network file systems).
                using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
                {
                }
            }

            return exclusive
                ? new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (FileNotFoundException)
        {
            // Deleted by its holder between the check and the open: start again.
            return OpenOnce(folder, full, lockPath, exclusive);
        }
        catch (IOException ex) when (ex is not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw new UserInputException($"'{folder}' is in use by another run ({DescribeOwners(full)}): wait for it to finish, or choose another output folder.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UserInputException($"Cannot write to output folder '{folder}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// False when the file <paramref name="stream"/> holds has been deleted from its folder. Linux names a deleted open
    /// file's link in <c>/proc/self/fd</c> with a " (deleted)" suffix; elsewhere the check is skipped (true).
    /// </summary>
    internal static bool IsStillAtPath(FileStream stream)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            var fd = stream.SafeFileHandle.DangerousGetHandle().ToInt64();
            var target = new FileInfo("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture)).LinkTarget;
            return target is null || !target.EndsWith(" (deleted)", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Releases the claim and removes the lock files no other run holds.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // While still locked, so that the next holder's description or lock file is never the one deleted.
        TryDelete(_ownerPath);
        TryDelete(_lockPath);
        _lock.Dispose();
        if (_shared is not null)
        {
            _shared.Dispose();
            RemoveFolderLockIfUnheld(Path.Combine(Folder, FileName));
        }
    }

    /// <summary>
    /// A part run held the folder's lock shared: the last part to finish removes it, which it may do only once no
    /// other run holds it, that is, when an exclusive lock of it succeeds.
    /// </summary>
    private static void RemoveFolderLockIfUnheld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            if (IsStillAtPath(probe))
            {
                TryDelete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held by another part or a whole run, which removes it when it finishes; or gone already.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A lock file left behind does no harm: the next run reuses it.
        }
    }

    private static string DescribeOwners(string folder)
    {
        var owners = new List<string>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, ".pcfglab*.lock.owner"))
            {
                var text = File.ReadAllText(file).Trim();
                if (text.Length > 0)
                {
                    owners.Add(text.ReplaceLineEndings(" "));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The description is a courtesy: the refusal stands without it.
        }

        owners.Sort(StringComparer.Ordinal);
        return owners.Count > 0 ? string.Join("; ", owners) : "another pcfglab process";
    }
}
