using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace PcfgLab.Base;

/// <summary>What kind of thing a path names, as far as replacing it is concerned.</summary>
internal enum OutputPathKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file: it may be replaced.</summary>
    RegularFile,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (whatever it points to).</summary>
    SymbolicLink,

    /// <summary>A character or block device, a pipe or a socket.</summary>
    Special,
}

/// <summary>
/// The one way this tool writes an output file: under a temporary name in the same folder, renamed over the target
/// only when complete, so a reader never sees half a file. It refuses to replace anything but a regular file (a
/// rename would put a regular file in place of a device node, a folder link or a pipe), and it can find the
/// temporary files that killed runs left behind.
/// </summary>
internal static partial class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The longest file name, in UTF-8 bytes, that common file systems (ext4, XFS, Btrfs, APFS, NTFS in practice) accept.</summary>
    internal const int MaxFileNameBytes = 255;

    /// <summary>
    /// The temporary name of <paramref name="path"/>: <c>.NAME.tmp-</c> followed by 12 random hex digits, in its folder.
    /// When that would pass <see cref="MaxFileNameBytes"/> (a legal 255-byte NAME), NAME is cut short on a character
    /// boundary so that the temporary name fits too.
    /// </summary>
    public static string TemporaryPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        const string Marker = ".tmp-";
        const int Random = 12;
        var name = Path.GetFileName(full);
        var room = MaxFileNameBytes - 1 - Marker.Length - Random;
        if (Utf8NoBom.GetByteCount(name) > room)
        {
            var end = 0;
            var bytes = 0;
            while (end < name.Length)
            {
                var width = char.IsHighSurrogate(name[end]) && end + 1 < name.Length ? 2 : 1;
                var size = Utf8NoBom.GetByteCount(name.AsSpan(end, width));
                if (bytes + size > room)
                {
                    break;
                }

                bytes += size;
                end += width;
            }

            name = name[..end];
        }

        return Path.Combine(Path.GetDirectoryName(full)!, "." + name + Marker + Guid.NewGuid().ToString("N")[..Random]);
    }

    /// <summary>
    /// True when <paramref name="fileName"/> is a temporary name this tool makes (<c>.NAME.tmp-</c> and 12 hex digits)
    /// or made in earlier versions (<c>.NAME.</c> 8 hex digits <c>.tmp</c>). Nothing else is ever removed as stale.
    /// </summary>
    public static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteStream(path, stream =>
        {
            var bytes = Utf8NoBom.GetBytes(text);
            stream.Write(bytes);
        });

    /// <summary>
    /// Lets <paramref name="write"/> fill a stream on a temporary file, then renames it over <paramref name="path"/>.
    /// The temporary file is held with an exclusive lock while it is written, so <see cref="RemoveStaleTemporaryFiles"/>
    /// in another process leaves it alone.
    /// </summary>
    public static void WriteStream(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Prepare(path);
        var tmp = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
            }

            Commit(tmp, full);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file by its path (for libraries that open files themselves),
    /// then renames it over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Prepare(path);
        var tmp = TemporaryPathFor(full);
        try
        {
            write(tmp);
            Commit(tmp, full);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file by its path asynchronously, then renames it over
    /// <paramref name="path"/>.
    /// </summary>
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Prepare(path);
        var tmp = TemporaryPathFor(full);
        try
        {
            await write(tmp).ConfigureAwait(false);
            Commit(tmp, full);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Renames the finished <paramref name="temporaryPath"/> over <paramref name="path"/>, after checking again that
    /// <paramref name="path"/> is a regular file or missing (it may have changed while the file was written).
    /// </summary>
    /// <exception cref="UserInputException"><paramref name="path"/> is a folder, a link, a device, a pipe or a socket.</exception>
    public static void Commit(string temporaryPath, string path)
    {
        EnsureReplaceable(path);
        File.Move(temporaryPath, path, overwrite: true);
    }

    /// <summary>Throws a one-line <see cref="UserInputException"/> unless <paramref name="path"/> is missing or a regular file.</summary>
    public static void EnsureReplaceable(string path, string verb = "replace")
    {
        var kind = KindOf(path);
        if (kind is OutputPathKind.Missing or OutputPathKind.RegularFile)
        {
            return;
        }

        var what = kind switch
        {
            OutputPathKind.Directory => "a folder",
            OutputPathKind.SymbolicLink => "a symbolic link",
            _ => "a device, pipe or socket, not a regular file",
        };
        throw new UserInputException($"'{path}' is {what}: refusing to {verb} it; give the path of a regular file (or of one that does not exist yet).");
    }

    /// <summary>
    /// Throws a one-line <see cref="UserInputException"/> unless <paramref name="path"/> is missing or (through any
    /// symbolic links, which reading may follow) a regular file: a folder cannot be read as a file, and opening a pipe
    /// would wait for a writer for ever.
    /// </summary>
    public static void EnsureReadable(string path)
    {
        var kind = KindOf(path);
        if (kind == OutputPathKind.SymbolicLink)
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            kind = target is null ? OutputPathKind.Missing : KindOf(target.FullName);
        }

        if (kind is OutputPathKind.Missing or OutputPathKind.RegularFile)
        {
            return;
        }

        var what = kind == OutputPathKind.Directory ? "a folder" : "a device, pipe or socket, not a regular file";
        throw new UserInputException($"'{path}' is {what}: refusing to read it; give the path of a regular file.");
    }

    /// <summary>What <paramref name="path"/> names, without following a final symbolic link.</summary>
    public static OutputPathKind KindOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return OutputPathKind.SymbolicLink;
        }

        if (Directory.Exists(path))
        {
            return OutputPathKind.Directory;
        }

        if (!info.Exists)
        {
            return OutputPathKind.Missing;
        }

        // .NET's FileAttributes do not tell a device or a pipe from a file on Unix: ask lstat, through the runtime's
        // own native shim (its FileStatus keeps the file type in the second int).
        if (!OperatingSystem.IsWindows() && UnixFileType(path) is { } type && type != UnixRegularFile)
        {
            return type == UnixDirectory ? OutputPathKind.Directory : type == UnixSymbolicLink ? OutputPathKind.SymbolicLink : OutputPathKind.Special;
        }

        return OutputPathKind.RegularFile;
    }

    /// <summary>
    /// Deletes the temporary files of earlier runs in <paramref name="folder"/> (top level only): names that
    /// <see cref="IsTemporaryName"/> accepts and that no live process holds locked. The caller should hold the
    /// folder's <see cref="Storage.OutputFolderLock"/>, so no writer of this tool is at work there.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="only">When given, only temporary names it accepts are considered (a shard run's own files).</param>
    /// <returns>The files removed and their total size in bytes.</returns>
    public static (IReadOnlyList<string> Files, long Bytes) RemoveStaleTemporaryFiles(string folder, Func<string, bool>? only = null)
    {
        var removed = new List<string>();
        var bytes = 0L;
        if (!Directory.Exists(folder))
        {
            return (removed, 0);
        }

        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (!IsTemporaryName(name) || (only is not null && !only(name)) || KindOf(file) != OutputPathKind.RegularFile)
            {
                continue;
            }

            try
            {
                long length;
                using (var probe = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // The exclusive lock succeeded: no live writer holds the file.
                    length = probe.Length;
                }

                File.Delete(file);
                removed.Add(file);
                bytes += length;
            }
            catch (IOException)
            {
                // Held by a live writer, or gone already: not ours to remove.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return (removed, bytes);
    }

    private static string Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        EnsureReplaceable(full);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    private const int UnixTypeMask = 0xF000;
    private const int UnixRegularFile = 0x8000;
    private const int UnixDirectory = 0x4000;
    private const int UnixSymbolicLink = 0xA000;

    private static unsafe int? UnixFileType(string path)
    {
        // FileStatus of System.Native is { int Flags; int Mode; ... } in every .NET since Core 1.0; the buffer is
        // larger than the whole struct.
        var status = stackalloc byte[512];
        try
        {
            return NativeLStat(path, status) == 0 ? ((int*)status)[1] & UnixTypeMask : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int NativeLStat(string path, byte* output);

    [GeneratedRegex(@"^\..+(\.tmp-[0-9a-f]{12}|\.[0-9a-f]{8}\.tmp)$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();
}
