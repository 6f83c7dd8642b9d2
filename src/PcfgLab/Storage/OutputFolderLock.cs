using System.Globalization;
using PcfgLab.Sweeps;

namespace PcfgLab.Storage;

/// <summary>
/// An exclusive claim on an output folder for the length of one run, so that two runs never write into the same
/// folder at once (two <c>generate</c> runs used to leave the shards of both datasets side by side). The claim is an
/// operating-system lock on <c>.pcfglab.lock</c> (<c>flock</c> on Unix, a share lock on Windows): it ends when the
/// holder disposes it or dies, so a killed run never leaves the folder claimed. The holder describes itself in
/// <c>.pcfglab.lock.owner</c>, which a second run quotes when it is refused (the locked file itself cannot be read by
/// another process). The lock file stays in the folder: deleting it while others may be opening it would let two
/// runs lock two different files of the same name.
/// A run that writes only a part of the folder (one <c>--shard i/n</c> job of a batch array) takes the folder's lock
/// shared and its part's lock exclusive: parts run side by side, but never beside a whole run or the same part.
/// </summary>
internal sealed class OutputFolderLock : IDisposable
{
    /// <summary>Name of the lock file in the folder.</summary>
    public const string FileName = ".pcfglab.lock";

    /// <summary>Name of the file that says who holds the lock.</summary>
    public const string OwnerFileName = ".pcfglab.lock.owner";

    private readonly FileStream _lock;
    private readonly FileStream? _shared;
    private readonly string _ownerPath;
    private bool _disposed;

    private OutputFolderLock(string folder, FileStream lockStream, FileStream? shared, string ownerPath, IReadOnlyList<string> removed, long removedBytes)
    {
        Folder = folder;
        _lock = lockStream;
        _shared = shared;
        _ownerPath = ownerPath;
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

            return new OutputFolderLock(full, own, shared, ownerPath, removed, bytes);
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
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw new UserInputException($"'{folder}' is in use by another run ({DescribeOwners(full)}): wait for it to finish, or choose another output folder.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UserInputException($"Cannot write to output folder '{folder}': {ex.Message}", ex);
        }
    }

    /// <summary>Releases the claim.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // While still locked, so that the next holder's description is never the one deleted.
            File.Delete(_ownerPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        _lock.Dispose();
        _shared?.Dispose();
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
