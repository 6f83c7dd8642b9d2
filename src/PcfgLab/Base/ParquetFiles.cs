using Parquet;

namespace PcfgLab.Base;

/// <summary>How <see cref="ParquetFiles.OpenAsync"/> opens a file: the footer guard's time limit and what a damaged file's error tells the user to do.</summary>
/// <param name="FooterTimeout">How long the footer may take to read before the file is declared damaged.</param>
/// <param name="Advice">The end of the damaged-footer error: what to do (for example "regenerate the dataset").</param>
internal sealed record ParquetOpenOptions(TimeSpan FooterTimeout, string Advice)
{
    /// <summary>The footer time limit of every reader unless a caller (a test) asks otherwise: a footer reads in milliseconds.</summary>
    public static readonly TimeSpan DefaultFooterTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The default limit with <paramref name="advice"/>.</summary>
    public static ParquetOpenOptions WithAdvice(string advice) => new(DefaultFooterTimeout, advice);
}

/// <summary>The one way PcfgLab opens a Parquet file for reading.</summary>
internal static class ParquetFiles
{
    /// <summary>
    /// Opens the file's footer on a worker with a time limit: a damaged footer (found by fuzzing) makes Parquet.Net
    /// 6.1's reader spin for ever without looking at its cancellation token (its Thrift reader reads a varint past the
    /// end of the footer's bytes, and the -1 of a stream at its end reads as 0xFF, a byte that says another follows).
    /// Past the limit the file is reported as damaged in one line and the stuck worker is abandoned: it spins on one
    /// core until the process ends. Other failures of the reader reach the caller unchanged, to be worded for its files.
    /// </summary>
    /// <exception cref="UserInputException">The footer could not be read within <see cref="ParquetOpenOptions.FooterTimeout"/>.</exception>
    public static async Task<ParquetReader> OpenAsync(string path, ParquetOpenOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var open = Task.Run(() => ParquetReader.CreateAsync(path, cancellationToken: cancellationToken), CancellationToken.None);
        try
        {
            return await open.WaitAsync(options.FooterTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new UserInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"'{path}': its Parquet footer could not be read in {options.FooterTimeout.TotalSeconds:0} s, so the file is damaged; {options.Advice}"));
        }
    }
}
