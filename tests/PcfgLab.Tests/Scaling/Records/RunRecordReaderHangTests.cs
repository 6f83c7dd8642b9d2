using PcfgLab.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scaling;

/// <summary>
/// The run-record reader's footer guard on the one Parquet file known to hang Parquet.Net 6.1.0 (found by fuzzing,
/// <see cref="RunRecordReaderTests"/>). Apart from RunRecordReaderTests and last in the suite
/// (<see cref="LeavesASpinningWorker"/>): the abandoned footer reader spins on one core until the test process
/// ends, and begun mid-suite it took a core from every test after it.
/// </summary>
[Collection(nameof(LeavesASpinningWorker))]
public sealed class RunRecordReaderHangTests : IDisposable
{
    // Parquet fuzz seed 3, case 156: the valid run file with its footer damaged.
    private const string HangingParquet = "UEFSMRUAFSoVLiwVBhUAFQYVBhwYAXkYAWgWACgBeRgBeAAAABVQAgAAAAYBAQAAAHgBAAAAeQEAAAB5FQAVMBUuLBUGFQAVBhUGHBgIHgAAAAAAAAAYCAoAAAAAAAAAFgAoCB4AAAAAAAAAGAgKAAAAAAAAAAAAABgECgAJATwUAAAAAAAAAB4AAAAAAAAAFQAVMBUsLBUGFQAVBhUGHFgIAAAAAADAckAYCAAAAAAAAFlAFgAoCAAAAAAAwHJAGAgAAAAAAABZQAAAABgAAAUBBFlABQcoAGlAAAAAAADAckAVABU0FTgsFQYVABUGFQYcGAgAAAAAAAAIQBgIAAAAAAAAAEAWAigIAAAAAAAACEAYCAAAAAAAAABAAAAAGmQGAAAAAgECAAIBAAAAAAAACEAAAAAAAAAAQBUCGVxIBHJvb3QVCAAVDCUCGAdkYXRhc2V0JQBMHAAAABUEJQAYAU4lJEysE0ARAAAAFQolABgBRAAVCiUCGARsb3NzABYGGRwZTCYIHBUMGSUABhkYB2RhdGFzZXQVAhYGFmwWcCYIPBgBeRgBeBYAKAF5GAF4AAAAJngcFQQZJQAGGRgBThUCFgYWqgEWqAEmeDwYCB4AAAAAAAAAGAgKAAAAAAAAABYAKAgeAAAAAAAAABgICgAAAAAAAAAAAAAmoAIcFQoZJQAGGRgBRBUCFgYWqgEWpgEmoAI8GAgAAAAAAMByQBgIAAAAAAAAWUAWACgIAAAAAADAckAYCAAAAAAAAFlAAAAAJsYDHBUKGSUABhkYBGxvc3MVAhYGFq4BFrIBJsYDPBgIAAAAAAAACEAYCAAAAAAAAABAFgIoCAAAAAAAAAhAGAgAAAAAAAAAQAAAABbuBBYGNvAEAChKUGFycXVldC5OZXQgdmVyc2lvbiA2LjEuMCAoYnVpbGQgYzE3OWQ5N2JkMjU0OWI1ZjQ0YTkyNDFlNzI5Zjg2OWQ0OTQ3ZWU1OSkBrAEAAFBBUjE=";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-hang-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Known_hang_a_damaged_parquet_footer_is_a_one_line_error()
    {
        // Parquet.Net 6.1.0's footer reader spins for ever on this file; the reader's time limit turns that into a
        // one-line error (the stuck worker is abandoned: it spins on until the test process ends).
        var path = Path.Combine(_dir.FullName, "hang.parquet");
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(HangingParquet));
        var read = Task.Run(() => RunRecordReader.ReadAsync(path, RunColumnMap.Default, null, RunRecordReader.ParquetRuns with { FooterTimeout = TimeSpan.FromSeconds(2) }, CancellationToken.None));
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))) == read, "the reader did not return within 30 s");
        var error = await Assert.ThrowsAsync<UserInputException>(() => read);
        Assert.Equal($"'{path}': its Parquet footer could not be read in 2 s, so the file is damaged; write it again, or export the runs as .csv or .jsonl", error.Message);
    }
}
