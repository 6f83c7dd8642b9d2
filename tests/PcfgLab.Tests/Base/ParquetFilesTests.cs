using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Base;

public sealed class ParquetFilesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-parquetfiles-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_damaged_footer_is_a_one_line_error_with_the_callers_advice_after_the_limit()
    {
        var path = DamagedParquet.Write(Path.Combine(_dir.FullName, "hang.parquet"));
        var error = await DamagedParquet.OneLineErrorOf(() => ParquetFiles.OpenAsync(path, new ParquetOpenOptions(TimeSpan.FromSeconds(2), "do this")));
        Assert.Equal($"'{path}': its Parquet footer could not be read in 2 s, so the file is damaged; do this", error.Message);
    }

    [Fact]
    public async Task Other_failures_reach_the_caller_unchanged()
    {
        var path = Path.Combine(_dir.FullName, "short.parquet");
        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        var error = await Record.ExceptionAsync(() => ParquetFiles.OpenAsync(path, ParquetOpenOptions.WithAdvice("x")));
        Assert.NotNull(error);
        Assert.IsNotType<UserInputException>(error);
    }
}
