using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace PcfgLab.Sweeps;

/// <summary>
/// One trainer per cell: an exclusive operating-system lock (<c>flock</c> on Unix) on a file per cell in the folder
/// <c>RESULTS.claims</c> beside the results file, held for the cell's life. A second <c>sweep train</c> on the same
/// plan and results file skips a claimed cell and says so, instead of training it again. The lock ends when its
/// holders die, so a killed run never leaves a cell claimed. On Linux and macOS the trainer inherits the lock
/// (<see cref="StartHolding"/>), so a trainer that outlives a killed <c>sweep train</c> (<c>kill -9</c>) still holds
/// its cell, and a rerun skips it rather than starting a second trainer. The holder describes itself in
/// <c>NAME.lock.owner</c> (a locked file cannot be read by another process). Lock files stay: deleting one while
/// another process may be opening it would let two runs lock two different files of one name.
/// </summary>
internal sealed partial class CellClaim : IDisposable
{
    /// <summary>Suffix of the claims folder beside a results file.</summary>
    public const string FolderSuffix = ".claims";

    /// <summary>The environment variable a trainer started by <see cref="StartHolding"/> finds its claim's lock file in.</summary>
    public const string EnvironmentVariable = "PCFGLAB_CELL_CLAIM";

    // Only one start at a time clears close-on-exec, so that no trainer inherits another cell's claim.
    private static readonly Lock StartGate = new();

    private readonly FileStream _lock;
    private readonly string _ownerPath;
    private bool _inherited;
    private bool _disposed;

    private CellClaim(FileStream lockStream, string lockPath, string ownerPath)
    {
        _lock = lockStream;
        LockPath = lockPath;
        _ownerPath = ownerPath;
    }

    /// <summary>The lock file's full path.</summary>
    public string LockPath { get; }

    /// <summary>The claims folder of <paramref name="resultsPath"/>: <c>RESULTS.claims</c> beside it.</summary>
    public static string FolderFor(string resultsPath) => Path.GetFullPath(resultsPath) + FolderSuffix;

    /// <summary>
    /// The lock file's name for <paramref name="cellId"/>: the id's safe characters (at most 64) and the first 16 hex
    /// digits of its UTF-8 SHA-256, so that every id gets its own portable file name (the Python adapter makes the same).
    /// </summary>
    public static string LockFileName(string cellId)
    {
        ArgumentNullException.ThrowIfNull(cellId);
        var readable = new StringBuilder(Math.Min(cellId.Length, 64));
        foreach (var c in cellId)
        {
            if (readable.Length == 64)
            {
                break;
            }

            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cellId)))[..16];
        return readable + "-" + hash + ".lock";
    }

    /// <summary>
    /// Claims <paramref name="cellId"/> for this process, or returns null with <paramref name="holder"/> describing the
    /// process that holds it.
    /// </summary>
    /// <param name="resultsPath">The results file the cell's record goes to.</param>
    /// <param name="cellId">The cell.</param>
    /// <param name="owner">How this run describes itself to a run it turns away.</param>
    /// <param name="holder">Who holds the cell, when it is claimed.</param>
    public static CellClaim? TryAcquire(string resultsPath, string cellId, string owner, out string holder)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var folder = FolderFor(resultsPath);
        var lockPath = Path.Combine(folder, LockFileName(cellId));
        var ownerPath = lockPath + ".owner";
        FileStream stream;
        try
        {
            Directory.CreateDirectory(folder);
            AtomicFile.EnsureReplaceable(lockPath, "lock");
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix: a held claim fails at once.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            holder = Describe(ownerPath);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"Cannot claim cell '{cellId}' in '{folder}' (beside the results file, so that two runs never train one cell): {ex.Message}", ex);
        }

        try
        {
            var started = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            AtomicFile.WriteAllText(ownerPath, owner + ", cell " + cellId + ", since " + started + "\n");
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        holder = owner;
        return new CellClaim(stream, lockPath, ownerPath);
    }

    /// <summary>
    /// Starts <paramref name="process"/> holding this claim: its start information gets <see cref="EnvironmentVariable"/>
    /// (the lock file's path, so the Python adapter does not claim the cell a second time) and, on Linux and macOS, the
    /// process inherits the locked file, so the claim lasts as long as the trainer does, even past this process.
    /// </summary>
    public void StartHolding(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.StartInfo.Environment[EnvironmentVariable] = LockPath;
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            process.Start();
            return;
        }

        lock (StartGate)
        {
            var fd = _lock.SafeFileHandle.DangerousGetHandle();
            var inheritable = SetCloseOnExec(fd, false);
            try
            {
                process.Start();
                _inherited = inheritable;
            }
            finally
            {
                if (inheritable)
                {
                    SetCloseOnExec(fd, true);
                }
            }
        }
    }

    /// <summary>Releases the claim (a trainer that inherited the lock keeps holding it until it exits).</summary>
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The description is a courtesy.
        }

        if (_inherited)
        {
            // .NET unlocks (flock LOCK_UN) before it closes a locked file, and that would end the trainer's hold too:
            // the descriptor is closed without it, so the lock lasts as long as the trainer keeps its copy.
            var fd = _lock.SafeFileHandle.DangerousGetHandle();
            _lock.SafeFileHandle.SetHandleAsInvalid();
            _ = NativeClose(fd);
        }

        _lock.Dispose();
    }

    private static string Describe(string ownerPath)
    {
        try
        {
            var text = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim().ReplaceLineEndings(" ") : string.Empty;
            return text.Length > 0 ? text : "another process";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }

    private static bool SetCloseOnExec(IntPtr fd, bool closeOnExec)
    {
        try
        {
            return NativeFcntlSetFD(fd, closeOnExec ? 1 : 0) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Close")]
    private static partial int NativeClose(IntPtr fd);

    // .NET's own native shim (PAL_FD_CLOEXEC = 1), not libc's variadic fcntl.
    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_FcntlSetFD")]
    private static partial int NativeFcntlSetFD(IntPtr fd, int flags);
}
