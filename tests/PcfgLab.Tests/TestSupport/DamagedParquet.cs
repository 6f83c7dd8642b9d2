namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// A Parquet file whose damaged footer makes Parquet.Net 6.1.0's reader (ParquetReader.CreateAsync) spin for ever
/// (found by fuzzing the run-record reader: seed 3, case 156). Readers must turn it into a one-line error through the
/// footer guard; the stuck worker spins on until the test process ends, so tests use it with a short limit.
/// </summary>
internal static class DamagedParquet
{
    private const string Base64 = "UEFSMRUAFSoVLiwVBhUAFQYVBhwYAXkYAWgWACgBeRgBeAAAABVQAgAAAAYBAQAAAHgBAAAAeQEAAAB5FQAVMBUuLBUGFQAVBhUGHBgIHgAAAAAAAAAYCAoAAAAAAAAAFgAoCB4AAAAAAAAAGAgKAAAAAAAAAAAAABgECgAJATwUAAAAAAAAAB4AAAAAAAAAFQAVMBUsLBUGFQAVBhUGHFgIAAAAAADAckAYCAAAAAAAAFlAFgAoCAAAAAAAwHJAGAgAAAAAAABZQAAAABgAAAUBBFlABQcoAGlAAAAAAADAckAVABU0FTgsFQYVABUGFQYcGAgAAAAAAAAIQBgIAAAAAAAAAEAWAigIAAAAAAAACEAYCAAAAAAAAABAAAAAGmQGAAAAAgECAAIBAAAAAAAACEAAAAAAAAAAQBUCGVxIBHJvb3QVCAAVDCUCGAdkYXRhc2V0JQBMHAAAABUEJQAYAU4lJEysE0ARAAAAFQolABgBRAAVCiUCGARsb3NzABYGGRwZTCYIHBUMGSUABhkYB2RhdGFzZXQVAhYGFmwWcCYIPBgBeRgBeBYAKAF5GAF4AAAAJngcFQQZJQAGGRgBThUCFgYWqgEWqAEmeDwYCB4AAAAAAAAAGAgKAAAAAAAAABYAKAgeAAAAAAAAABgICgAAAAAAAAAAAAAmoAIcFQoZJQAGGRgBRBUCFgYWqgEWpgEmoAI8GAgAAAAAAMByQBgIAAAAAAAAWUAWACgIAAAAAADAckAYCAAAAAAAAFlAAAAAJsYDHBUKGSUABhkYBGxvc3MVAhYGFq4BFrIBJsYDPBgIAAAAAAAACEAYCAAAAAAAAABAFgIoCAAAAAAAAAhAGAgAAAAAAAAAQAAAABbuBBYGNvAEAChKUGFycXVldC5OZXQgdmVyc2lvbiA2LjEuMCAoYnVpbGQgYzE3OWQ5N2JkMjU0OWI1ZjQ0YTkyNDFlNzI5Zjg2OWQ0OTQ3ZWU1OSkBrAEAAFBBUjE=";

    /// <summary>The file's bytes.</summary>
    public static byte[] Bytes => Convert.FromBase64String(Base64);

    /// <summary>Writes the file at <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path)
    {
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    /// <summary>
    /// A .parquet path whose footer never comes: a FIFO, whose open blocks (without spinning, unlike the damaged file)
    /// until <see cref="Release"/> opens its other end. Tests of each reader use it to show that the reader opens
    /// through the guard, and leave no busy thread behind. False where there is no mkfifo.
    /// </summary>
    public static bool TryMakeStuck(string path) => SpecialFiles.TryMakeFifo(path);

    /// <summary>Unblocks the reader still waiting on the FIFO at <paramref name="path"/> (it then fails and ends).</summary>
    public static void Release(string path)
    {
        // Opening the writing end blocks until the reader's end is open: it is, so this returns at once; the time
        // limit only keeps a broken case from hanging the test run. Shared, not File.OpenWrite: .NET emulates
        // FileShare.None with an exclusive flock, which fails ("being used by another process") whenever the reader's
        // shared lock comes first, a race the faster optimised library lost every time here.
        var writer = Task.Run(() => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose());
        writer.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Open options with a 2-second footer limit.</summary>
    public static ParquetOpenOptions ShortGuard(string advice = "write it again") => new(TimeSpan.FromSeconds(2), advice);

    /// <summary>Awaits <paramref name="work"/>, failing (instead of hanging) when it takes more than 30 s.</summary>
    public static async Task<UserInputException> OneLineErrorOf(Func<Task> work)
    {
        var task = Task.Run(work);
        Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(30))) == task, "the reader did not return within 30 s");
        var error = await Assert.ThrowsAsync<UserInputException>(() => task);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }
}
