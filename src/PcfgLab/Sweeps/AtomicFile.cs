using System.Text;

namespace PcfgLab.Sweeps;

/// <summary>Writes files under a temporary name in the same folder and renames them when complete.</summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, tmp => File.WriteAllText(tmp, text, Utf8NoBom));

    /// <summary>Lets <paramref name="write"/> fill a temporary file asynchronously, then renames it over <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var tmp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            await write(tmp).ConfigureAwait(false);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>Lets <paramref name="write"/> fill a temporary file, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write) =>
        // The callback is synchronous, so the task has completed when WriteAsync returns.
        WriteAsync(path, tmp =>
        {
            write(tmp);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
}
