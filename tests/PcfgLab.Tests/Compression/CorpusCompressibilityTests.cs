using System.Text;
using PcfgLab.Compression;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Compression;

public sealed class CorpusCompressibilityTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-corpus-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Prose(int lines, int seed)
    {
        var random = new Random(seed);
        string[] words = ["the", "grammar", "compresses", "data", "scaling", "law", "model", "tokens", "of", "and", "gzip", "parameters"];
        var builder = new StringBuilder();
        for (var l = 0; l < lines; l++)
        {
            for (var w = 0; w < 12; w++)
            {
                builder.Append(words[random.Next(words.Length)]).Append(w == 11 ? ".\n" : " ");
            }
        }

        return builder.ToString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static async Task<CorpusMeasurement> Measure(string path, CorpusMeasurementOptions options, IProgress<long>? progress = null) =>
        await CorpusCompressibility.MeasureAsync(await CorpusSourceFactory.OpenAsync(path), options, progress, CancellationToken.None);

    private static double Median(IEnumerable<double> values) => SummaryStatistics.Of([.. values]).Median;

    [Fact]
    public async Task Every_number_is_the_same_on_one_two_or_three_threads()
    {
        // Small files, and one of about 3 MB that the source hands on in several pieces, with brotli beside gzip:
        // the sample, the counts and every summary must not depend on which thread tokenised what.
        for (var i = 0; i < 40; i++)
        {
            Write($"src/f{i:D2}.txt", Prose(5 + (i * 7 % 40), i));
        }

        var large = Write("src/large.txt", Prose(28_000, 99));
        Assert.True(new FileInfo(large).Length > 2 << 20, "the large file should come in three 1 MiB pieces or more");
        var results = new List<CorpusMeasurement>();
        foreach (var threads in new[] { 1, 2, 3 })
        {
            results.Add(await Measure(Path.Combine(_dir.FullName, "src"), new CorpusMeasurementOptions { Threads = threads, SampleSize = 300, Seed = 5, Compressors = ["brotli5"] }));
        }

        var one = results[0];
        foreach (var other in results.Skip(1))
        {
            Assert.Equal(one.Gzip, other.Gzip);
            Assert.Equal(one.MedianInterval, other.MedianInterval);
            Assert.Equal(one.Compressors["brotli5"], other.Compressors["brotli5"]);
            Assert.Equal(
                (one.Counts.WindowsSeen, one.Counts.WindowsMeasured, one.Counts.Documents, one.Counts.BytesRead, one.Counts.Tokens),
                (other.Counts.WindowsSeen, other.Counts.WindowsMeasured, other.Counts.Documents, other.Counts.BytesRead, other.Counts.Tokens));
        }
    }

    [Fact]
    public async Task Zero_threads_are_refused_in_one_line()
    {
        Write("t/a.txt", Prose(30, 1));
        var error = await Assert.ThrowsAsync<UserInputException>(() => Measure(Path.Combine(_dir.FullName, "t"), new CorpusMeasurementOptions { Threads = 0 }));
        Assert.Equal("Threads must be positive, got 0.", error.Message);
    }

    [Fact]
    public async Task Text_is_tokenized_cut_into_windows_with_tails_dropped_and_measured_with_the_study_gzip()
    {
        var texts = new[] { Prose(60, 1), Prose(45, 2), "too short to fill a window\n" };
        for (var i = 0; i < texts.Length; i++)
        {
            Write($"doc{i}.txt", texts[i]);
        }

        var tokenizer = TokenizerFactory.Create("cl100k");
        var gzip = new GzipCompressibility();
        var expected = new List<double>();
        foreach (var text in texts)
        {
            var ids = tokenizer.EncodeToIds(text).ToArray();
            for (var start = 0; start + 100 <= ids.Length; start += 100)
            {
                expected.Add(gzip.Ratio(ids.AsSpan(start, 100)));
            }
        }

        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions { WindowLength = 100, All = true });
        Assert.Equal(expected.Count, result.Counts.WindowsSeen);
        Assert.Equal(expected.Count, result.Counts.WindowsMeasured);
        Assert.Equal(Median(expected), result.Gzip.Median, 12);
        Assert.Equal(3, result.Counts.Documents);
        Assert.Equal(texts.Sum(t => tokenizer.EncodeToIds(t).Count), result.Counts.Tokens);
        Assert.Equal("tokens", result.Unit);
        Assert.Equal("cl100k", result.Tokenizer);
        Assert.True(result.MegabytesPerSecond > 0 && result.TokensPerSecond > 0);
    }

    [Fact]
    public async Task Bytes_mode_measures_raw_utf8_windows()
    {
        var text = Prose(40, 3);
        Write("a.txt", text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var gzip = new GzipCompressibility();
        var expected = new List<double>();
        for (var start = 0; start + 500 <= bytes.Length; start += 500)
        {
            expected.Add(gzip.RatioOfBytes(bytes.AsSpan(start, 500)));
        }

        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions { Bytes = true, WindowLength = 500, All = true });
        Assert.Equal(expected.Count, result.Counts.WindowsSeen);
        Assert.Equal(Median(expected), result.Gzip.Median, 12);
        Assert.Equal("bytes", result.Unit);
        Assert.Null(result.Tokenizer);
        Assert.Equal(0, result.Counts.Tokens);
    }

    [Fact]
    public async Task Default_byte_window_is_1024()
    {
        Write("a.txt", Prose(100, 4));
        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions { Bytes = true });
        Assert.Equal(1024, result.WindowLength);
        Assert.Equal(new FileInfo(Path.Combine(_dir.FullName, "a.txt")).Length / 1024, result.Counts.WindowsSeen);
    }

    [Fact]
    public async Task Dataset_rows_are_measured_whole_like_generated_documents()
    {
        var path = Path.Combine(_dir.FullName, "train-00000-of-00001.parquet");
        var random = new Random(5);
        int[] lengths = [256, 255, 256, 256, 100];
        var tokens = Enumerable.Range(0, lengths.Sum()).Select(_ => random.Next(1, 40)).ToArray();
        await using (var writer = await ParquetDatasetWriter.CreateAsync(path, ParquetCompression.Default))
        {
            await writer.WriteRowGroupAsync(tokens, lengths);
            await writer.CompleteAsync();
        }

        var gzip = new GzipCompressibility();
        var expected = new List<double>();
        var offset = 0;
        foreach (var length in lengths)
        {
            expected.Add(gzip.Ratio(tokens.AsSpan(offset, length)));
            offset += length;
        }

        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions());
        Assert.Null(result.WindowLength);
        Assert.Equal(5, result.Counts.WindowsSeen);
        Assert.Equal(Median(expected), result.Gzip.Median, 12);

        // An explicit --doc-len cuts rows: 100-token windows, tails dropped: 2 + 2 + 2 + 2 + 1.
        var cut = await Measure(_dir.FullName, new CorpusMeasurementOptions { WindowLength = 100 });
        Assert.Equal(9, cut.Counts.WindowsSeen);

        var error = await Assert.ThrowsAsync<UserInputException>(() => Measure(_dir.FullName, new CorpusMeasurementOptions { Bytes = true }));
        Assert.Contains("Bytes needs text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_is_seeded_uniform_and_smaller_than_the_corpus()
    {
        Write("a.txt", Prose(600, 6));
        var options = new CorpusMeasurementOptions { WindowLength = 50, SampleSize = 20, Seed = 3, Compressors = ["gzip1", "brotli", "zstd"] };
        var first = await Measure(_dir.FullName, options);
        var again = await Measure(_dir.FullName, options);
        var other = await Measure(_dir.FullName, options with { Seed = 4 });
        Assert.True(first.Counts.WindowsSeen > 100, $"{first.Counts.WindowsSeen} windows");
        Assert.Equal(20, first.Counts.WindowsMeasured);
        Assert.Equal(first.Gzip, again.Gzip);
        Assert.Equal(first.MedianInterval, again.MedianInterval);
        Assert.NotEqual(first.Gzip, other.Gzip);
        Assert.Equal(["gzip9", "gzip1", "brotli", "zstd"], first.Compressors.Keys);
        Assert.InRange(first.Gzip.Median, first.MedianInterval.Low, first.MedianInterval.High);
        Assert.True(first.Gzip.P05 <= first.Gzip.Median && first.Gzip.Median <= first.Gzip.P95);
    }

    [Fact]
    public async Task Progress_reports_every_byte_read()
    {
        Write("a.txt", Prose(50, 7));
        Write("b/c.txt", Prose(50, 8));
        long reported = 0;
        var progress = new SynchronousProgress(n => reported += n);
        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions { Bytes = true, WindowLength = 64 }, progress);
        Assert.Equal(result.Counts.BytesRead, reported);
        Assert.Equal(_dir.GetFiles("*", SearchOption.AllDirectories).Sum(f => f.Length), reported);
    }

    [Fact]
    public async Task Skipped_files_are_counted_in_the_result()
    {
        Write("a.txt", Prose(50, 9));
        File.WriteAllBytes(Path.Combine(_dir.FullName, "blob.bin"), [1, 0, 2, 0]);
        var result = await Measure(_dir.FullName, new CorpusMeasurementOptions { WindowLength = 64 });
        Assert.Equal(1, result.Counts.Skipped["binary"]);
        Assert.Contains(result.Counts.SkippedExamples, e => e.Contains("blob.bin (binary)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_corpus_is_a_one_line_user_error()
    {
        Write("tiny.txt", "short\n");
        File.WriteAllBytes(Path.Combine(_dir.FullName, "blob.bin"), [0, 0]);
        var error = await Assert.ThrowsAsync<UserInputException>(() => Measure(_dir.FullName, new CorpusMeasurementOptions()));
        Assert.Contains("no complete window of 256 tokens (1 documents, 1 skipped)", error.Message, StringComparison.Ordinal);

        var empty = Directory.CreateDirectory(Path.Combine(_dir.FullName, "empty")).FullName;
        await Assert.ThrowsAsync<UserInputException>(() => Measure(empty, new CorpusMeasurementOptions()));
    }

    [Fact]
    public async Task Bad_options_are_user_errors()
    {
        Write("a.txt", Prose(50, 10));
        await Assert.ThrowsAsync<UserInputException>(() => Measure(_dir.FullName, new CorpusMeasurementOptions { SampleSize = 0 }));
        await Assert.ThrowsAsync<UserInputException>(() => Measure(_dir.FullName, new CorpusMeasurementOptions { WindowLength = 0 }));
        await Assert.ThrowsAsync<UserInputException>(() => Measure(_dir.FullName, new CorpusMeasurementOptions { Compressors = ["lz4"] }));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
