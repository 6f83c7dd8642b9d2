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

    /// <summary>Appends <paramref name="value"/> as one line, waiting (up to a minute) for other writers' locks.</summary>
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
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock LOCK_EX) on Unix for as long as the stream is open.
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(Random.Shared.Next(5, 50));
            }
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
