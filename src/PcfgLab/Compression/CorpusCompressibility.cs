using System.Diagnostics;
using System.Text;
using Microsoft.ML.Tokenizers;
using PcfgLab.Compression.Compressors;
using PcfgLab.Compression.Corpora;
using PcfgLab.Compression.Tokenization;
using PcfgLab.Storage;

namespace PcfgLab.Compression;

/// <summary>
/// Measures a corpus as the study measures generated data: documents become token sequences (through a
/// tokenizer for text), cut into consecutive windows of a fixed length (an incomplete last window of each
/// document is dropped), and each window's compressed/raw ratio is taken with gzip level 9 on 4-byte big-endian
/// ints (<see cref="GzipCompressibility"/>), plus any other compressors asked for. A seeded reservoir keeps a
/// uniform sample of windows while the corpus streams past, so memory does not grow with the corpus.
/// </summary>
public static class CorpusCompressibility
{
    /// <summary>Reads <paramref name="source"/> and measures it.</summary>
    /// <param name="source">The corpus.</param>
    /// <param name="options">Windows, sample, compressors and tokenizer.</param>
    /// <param name="bytesRead">Receives increments of input bytes read (for a progress bar); may be null.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <param name="tokenizer">
    /// The tokenizer named by <see cref="CorpusMeasurementOptions.Tokenizer"/>, when the caller already made it (loading
    /// a vocabulary takes a second or two, which would otherwise be paid, and timed, per source); null to load it here.
    /// </param>
    /// <exception cref="UserInputException">The options do not fit the source, or the corpus has no complete window.</exception>
    public static async Task<CorpusMeasurement> MeasureAsync(CorpusSource source, CorpusMeasurementOptions options, IProgress<long>? bytesRead, CancellationToken cancellationToken, Tokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SampleSize < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("CorpusMeasurementOptions.SampleSize")} must be at least 1, got {options.SampleSize}.");
        }

        if (options.Threads < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Threads")} must be positive, got {options.Threads}.");
        }

        if (options.WindowLength is < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("WindowLength")} must be at least 1, got {options.WindowLength}.");
        }

        if (source.HasTokens && options.Bytes)
        {
            throw UserInputException.ForParameters($"{source.Path} holds token ids ({source.Description}); {new Parameter("Bytes")} needs text.");
        }

        if (source is ParquetCorpusSource { HasTokens: true } dataset && options.WindowLength is null && !options.All)
        {
            var reader = ParquetDatasetReader.Open(dataset.Path, dataset.Column);
            if (reader.Files.Count == dataset.Files.Count)
            {
                return await MeasureDatasetAsync(dataset, reader, options, bytesRead, cancellationToken).ConfigureAwait(false);
            }
        }

        var compressors = CompressorNames.ParseList(options.Compressors, options.Deflate);
        tokenizer = source.HasTokens || options.Bytes ? null : tokenizer ?? TokenizerFactory.Create(options.Tokenizer);
        int? window = options.WindowLength ?? (source.HasTokens ? null : options.Bytes ? CorpusMeasurementOptions.DefaultByteWindow : CorpusMeasurementOptions.DefaultTokenWindow);
        var stopwatch = Stopwatch.StartNew();
        var sink = new WindowingSink(tokenizer, options.Bytes, window, options.All ? null : new WindowSampler(options.SampleSize, options.Seed), compressors, bytesRead);

        // Tokenising is most of the work on text: more threads tokenise pieces ahead, and the sink still receives
        // them in the corpus's order, so every number is the same as on one thread.
        var optionsTokenizer = options.Tokenizer;
        using var parallel = tokenizer is not null && options.Threads > 1
            ? new ParallelTokenizingSink(sink, tokenizer, () => TokenizerFactory.CreateUnshared(optionsTokenizer), options.Threads)
            : null;
        try
        {
            await source.ReadAsync((ICorpusSink?)parallel ?? sink, cancellationToken).ConfigureAwait(false);
            parallel?.Complete();
            var ratios = sink.Finish();
            if (sink.WindowsSeen == 0)
            {
                var unit = options.Bytes ? "bytes" : "tokens";
                var skipped = sink.SkippedByReason.Count == 0 ? string.Empty : $", {sink.SkippedByReason.Values.Sum()} skipped";
                throw window is null
                    ? new UserInputException($"{source.Path}: the corpus is empty ({sink.Documents} documents{skipped}).")
                    : UserInputException.ForParameters($"{source.Path}: the corpus has no complete window of {window} {unit} ({sink.Documents} documents{skipped}); give more text or a smaller {new Parameter("WindowLength")}.");
            }

            var summaries = new Dictionary<string, SummaryStatistics>(StringComparer.Ordinal);
            for (var c = 0; c < compressors.Count; c++)
            {
                summaries[compressors[c].Name] = SummaryStatistics.Of(ratios[c]);
            }

            var headline = summaries[CompressorNames.Headline];
            var interval = BootstrapInterval.ForMedianOfAnySize(ratios[0], options.Seed, options.BootstrapResamples);
            stopwatch.Stop();
            var counts = new CorpusCounts(sink.WindowsSeen, ratios[0].Length, sink.Documents, sink.TotalBytesRead, sink.Tokens, sink.SkippedByReason, sink.SkippedExamples);
            return new CorpusMeasurement(
                source.Path,
                source.Description,
                options.Bytes ? "bytes" : "tokens",
                tokenizer is null ? null : options.Tokenizer,
                window,
                headline,
                interval,
                summaries,
                counts,
                stopwatch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var compressor in compressors)
            {
                (compressor as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>
    /// A dataset of token rows measured whole, as <c>pcfglab generate</c> measures it: the documents of
    /// <see cref="GzipSample.ChooseDocuments"/> (uniform without replacement, seeded) read by index, so the gzip
    /// numbers equal those of the dataset's manifest for the same sample size and seed.
    /// </summary>
    private static async Task<CorpusMeasurement> MeasureDatasetAsync(ParquetCorpusSource source, ParquetDatasetReader reader, CorpusMeasurementOptions options, IProgress<long>? bytesRead, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var compressors = CompressorNames.ParseList(options.Compressors, options.Deflate);
        try
        {
            var population = await reader.CountDocumentsAsync(cancellationToken).ConfigureAwait(false);
            if (population == 0)
            {
                throw new UserInputException($"{source.Path}: the corpus is empty (0 documents).");
            }

            var indices = GzipSample.ChooseDocuments(population, options.SampleSize, options.Seed);
            var documents = await reader.ReadDocumentsAtAsync(indices, cancellationToken).ConfigureAwait(false);
            var ratios = new double[compressors.Count][];
            long tokens = 0;
            for (var c = 0; c < compressors.Count; c++)
            {
                ratios[c] = new double[documents.Length];
                for (var d = 0; d < documents.Length; d++)
                {
                    ratios[c][d] = compressors[c].RatioOfTokens(documents[d]);
                }
            }

            foreach (var document in documents)
            {
                tokens += document.Length;
            }

            var summaries = new Dictionary<string, SummaryStatistics>(StringComparer.Ordinal);
            for (var c = 0; c < compressors.Count; c++)
            {
                summaries[compressors[c].Name] = SummaryStatistics.Of(ratios[c]);
            }

            var interval = BootstrapInterval.ForMedianOfAnySize(ratios[0], options.Seed, options.BootstrapResamples);
            var total = source.TotalBytes;
            bytesRead?.Report(total);
            stopwatch.Stop();
            var counts = new CorpusCounts(population, documents.Length, population, total, tokens, new Dictionary<string, long>(), []);
            return new CorpusMeasurement(source.Path, source.Description, "tokens", null, null, summaries[CompressorNames.Headline], interval, summaries, counts, stopwatch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var compressor in compressors)
            {
                (compressor as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>
    /// Cuts the document stream into windows and hands each to the sampler, or measures it at once when every
    /// window is measured.
    /// </summary>
    private sealed class WindowingSink(
        Tokenizer? tokenizer,
        bool bytes,
        int? window,
        WindowSampler? sampler,
        IReadOnlyList<DocumentCompressor> compressors,
        IProgress<long>? progress) : ICorpusSink
    {
        private const int MaxExamples = 3;
        private readonly List<double>[] _all = [.. compressors.Select(_ => new List<double>())];
        private readonly Dictionary<string, long> _skipped = new(StringComparer.Ordinal);
        private readonly List<string> _examples = [];
        private int[] _tokens = new int[window ?? 256];
        private int _tokenCount;
        private byte[] _bytes = new byte[Math.Max(4 * (window ?? 256), window ?? 0)];
        private int _byteCount;
        private byte[] _encoded = new byte[1 << 16];
        private bool _open;
        private long _windowsSeen;

        public long WindowsSeen => sampler?.Seen ?? _windowsSeen;

        public long Documents { get; private set; }

        public long Tokens { get; private set; }

        public long TotalBytesRead { get; private set; }

        public IReadOnlyDictionary<string, long> SkippedByReason => _skipped;

        public IReadOnlyList<string> SkippedExamples => _examples;

        public void AppendText(ReadOnlySpan<char> text)
        {
            _open = true;
            if (bytes)
            {
                var count = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (_encoded.Length < count)
                {
                    _encoded = new byte[count];
                }

                var written = Encoding.UTF8.GetBytes(text, _encoded);
                AppendBytes(_encoded.AsSpan(0, written));
                return;
            }

            if (tokenizer is null)
            {
                throw new InvalidOperationException("Text arrived but no tokenizer was set up.");
            }

            var ids = tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);
            Tokens += ids.Count;
            foreach (var id in ids)
            {
                AddToken(id);
            }
        }

        public void AppendTokens(ReadOnlySpan<int> tokens)
        {
            _open = true;
            Tokens += tokens.Length;
            foreach (var id in tokens)
            {
                AddToken(id);
            }
        }

        public void EndDocument()
        {
            if (window is null && _tokenCount > 0)
            {
                EmitTokens(_tokens.AsSpan(0, _tokenCount));
            }

            if (_open)
            {
                Documents++;
            }

            _open = false;
            _tokenCount = 0;
            _byteCount = 0;
        }

        public void BytesRead(long count)
        {
            TotalBytesRead += count;
            progress?.Report(count);
        }

        public void Skipped(string item, string reason)
        {
            _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
            if (_examples.Count < MaxExamples)
            {
                _examples.Add($"{item} ({reason})");
            }
        }

        /// <summary>The ratios per compressor (gzip9 first) of the measured windows.</summary>
        public double[][] Finish()
        {
            if (sampler is null)
            {
                return [.. _all.Select(list => list.ToArray())];
            }

            var result = new double[compressors.Count][];
            for (var c = 0; c < compressors.Count; c++)
            {
                result[c] = new double[sampler.Sample.Count];
                for (var w = 0; w < sampler.Sample.Count; w++)
                {
                    result[c][w] = compressors[c].Ratio(sampler.Sample[w]);
                }
            }

            return result;
        }

        private void AddToken(int id)
        {
            if (_tokenCount == _tokens.Length)
            {
                // Only a whole-row document (no fixed window) grows.
                Array.Resize(ref _tokens, _tokens.Length * 2);
            }

            _tokens[_tokenCount++] = id;
            if (window is { } length && _tokenCount == length)
            {
                EmitTokens(_tokens.AsSpan(0, length));
                _tokenCount = 0;
            }
        }

        private void AppendBytes(ReadOnlySpan<byte> data)
        {
            var length = window ?? CorpusMeasurementOptions.DefaultByteWindow;
            while (!data.IsEmpty)
            {
                var take = Math.Min(length - _byteCount, data.Length);
                data[..take].CopyTo(_bytes.AsSpan(_byteCount));
                _byteCount += take;
                data = data[take..];
                if (_byteCount == length)
                {
                    Emit(_bytes.AsSpan(0, length));
                    _byteCount = 0;
                }
            }
        }

        private void EmitTokens(ReadOnlySpan<int> tokens)
        {
            if (_bytes.Length < tokens.Length * 4)
            {
                _bytes = new byte[tokens.Length * 4];
            }

            DocumentCompressor.WriteBigEndian(tokens, _bytes);
            Emit(_bytes.AsSpan(0, tokens.Length * 4));
        }

        private void Emit(ReadOnlySpan<byte> data)
        {
            if (sampler is not null)
            {
                sampler.Offer(data);
                return;
            }

            _windowsSeen++;
            for (var c = 0; c < compressors.Count; c++)
            {
                _all[c].Add(compressors[c].Ratio(data));
            }
        }
    }
}
