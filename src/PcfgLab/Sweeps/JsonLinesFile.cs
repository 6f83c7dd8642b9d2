using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PcfgLab.Sweeps;

/// <summary>
/// JSON Lines files shared by concurrent writers: each record is appended with one write of one line while the
/// file is locked (<c>flock</c> on Unix, the same lock the Python trainer takes with <c>fcntl.flock</c>).
/// </summary>
internal static class JsonLinesFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Appends <paramref name="value"/> as one line, waiting (up to a minute) for other writers' locks. The line starts
    /// on a fresh line (a newline goes first when the file ends in a torn line, so the torn line cannot swallow this
    /// record) and is whole or absent: one write, and on failure (a full disk, say) the file is cut back to its length.
    /// </summary>
    public static void Append<T>(string path, T value, JsonTypeInfo<T> info, CancellationToken cancellationToken = default)
    {
        var line = JsonSerializer.Serialize(value, info) + "\n";
        var bytes = Utf8NoBom.GetBytes(line);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Opening a pipe for writing would wait for a reader for ever; a device would swallow the record.
        AtomicFile.EnsureReplaceable(path, "append to");
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileStream stream;
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock LOCK_EX) on Unix for as long as the stream is
                // open. Read access: the last byte says whether the file ends in a torn line. Unbuffered: a failed write
                // leaves nothing behind for Dispose to flush.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(Random.Shared.Next(5, 50));
                continue;
            }

            using (stream)
            {
                AppendWholeLine(stream, bytes);
                return;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="line"/> (ending in a newline) at the end of <paramref name="stream"/>, after a newline
    /// when the stream does not end in one, in one write; when the write or the flush fails the stream is cut back to
    /// its old length, so a record is whole or absent.
    /// </summary>
    internal static void AppendWholeLine(Stream stream, byte[] line)
    {
        var length = stream.Length;
        var torn = false;
        if (length > 0)
        {
            stream.Position = length - 1;
            torn = stream.ReadByte() != '\n';
        }

        var bytes = line;
        if (torn)
        {
            bytes = new byte[line.Length + 1];
            bytes[0] = (byte)'\n';
            line.CopyTo(bytes, 1);
        }

        stream.Position = length;
        try
        {
            // FileStream.Write writes all of it or throws (it repeats short writes itself).
            stream.Write(bytes);
            if (stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                stream.Flush();
            }
        }
        catch (IOException)
        {
            stream.SetLength(length);
            throw;
        }
    }

    /// <summary>Reads every non-blank line of <paramref name="path"/>; a malformed line throws <see cref="InvalidDataException"/> naming it.</summary>
    public static IReadOnlyList<T> ReadAll<T>(string path, JsonTypeInfo<T> info)
    {
        var result = new List<T>();
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                result.Add(SweepJson.ParseLine(line, info, path, lineNumber));
            }
        }

        return result;
    }

    /// <summary>
    /// The lines of <paramref name="path"/> (none when it does not exist). The whole file is read at once so that a
    /// writer's lock is not held up; while a writer holds its lock (.NET's shared read lock then fails at once on
    /// Unix) the read is retried for up to a minute.
    /// </summary>
    public static string[] ReadLines(string path)
    {
        // Reading may follow a symbolic link (appending may not: see Append); a pipe would wait for a writer for ever.
        AtomicFile.EnsureReadable(path);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (!File.Exists(path))
            {
                return [];
            }

            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, Utf8NoBom);
                return reader.ReadToEnd().Split('\n');
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(Random.Shared.Next(5, 50));
            }
        }
    }
}
