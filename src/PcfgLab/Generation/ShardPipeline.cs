using PcfgLab.Sampling;
using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// Writes shard files of fast-profile documents in parallel. The unit of work is one row group: workers take row
/// groups in a fixed order (round-robin over a window of as many open files as threads, so that several files are
/// encoded at once), sample them into pooled buffers, and hand them to their file, which writes them strictly in
/// row-group order (a reorder buffer per file; whoever completes the next row group writes it and any that follow).
/// A worker takes a buffer before it takes a row group, so the buffers bound memory and the lowest unwritten row
/// group of every file always holds one: no deadlock. Every file's bytes depend only on its row groups, never on
/// the thread count or on timing.
/// </summary>
internal sealed class ShardPipeline
{
    private readonly CompiledGrammar _grammar;
    private readonly ulong _seed;
    private readonly DatasetLayout _layout;
    private readonly ShardJob[] _jobs;
    private readonly int _threads;
    private readonly Func<int, string> _finalPath;
    private readonly ParquetCompression _compression;
    private readonly Func<int, IReadOnlyDictionary<string, string>> _footer;
    private readonly IProgress<double>? _progress;
    private readonly SemaphoreSlim _bufferSlots;
    private readonly Stack<int[]> _freeBuffers = new();
    private readonly Lock _scheduleGate = new();
    private readonly List<ShardJob> _issuing = [];
    private int _nextToActivate;
    private int _roundRobin;

    public ShardPipeline(
        CompiledGrammar grammar,
        ulong seed,
        DatasetLayout layout,
        IReadOnlyList<int> shards,
        int threads,
        ParquetCompression compression,
        Func<int, string> finalPath,
        Func<int, IReadOnlyDictionary<string, string>> footer,
        IProgress<double>? progress)
    {
        _grammar = grammar;
        _seed = seed;
        _layout = layout;
        _compression = compression;
        _finalPath = finalPath;
        _footer = footer;
        _progress = progress;
        _jobs = new ShardJob[shards.Count];
        for (var i = 0; i < shards.Count; i++)
        {
            _jobs[i] = new ShardJob(shards[i], layout.ShardStart(shards[i]), layout.ShardDocuments(shards[i]), layout.ShardRowGroups(shards[i]));
        }

        // More workers than row groups would only wait: the unit of work is one row group.
        var units = 0L;
        foreach (var job in _jobs)
        {
            units += job.RowGroups;
        }

        _threads = (int)Math.Clamp(threads, 1, Math.Max(1, units));
        threads = _threads;
        Window = Math.Clamp(threads, 1, _jobs.Length);

        // One buffer per thread being sampled plus one per open file being written: memory grows with threads and
        // the window, never with the token count.
        var slots = threads + Window;
        _bufferSlots = new SemaphoreSlim(slots, slots);
    }

    /// <summary>Files encoded at the same time.</summary>
    public int Window { get; }

    /// <summary>The writers, finished (closed, not yet committed) once <see cref="RunAsync"/> returns.</summary>
    public IEnumerable<ParquetDatasetWriter> Writers
    {
        get
        {
            foreach (var job in _jobs)
            {
                if (job.Writer is not null)
                {
                    yield return job.Writer;
                }
            }
        }
    }

    /// <summary>Samples and writes every row group of every shard. On failure the writers stay for the caller to dispose.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        for (; _nextToActivate < Window; _nextToActivate++)
        {
            _issuing.Add(_jobs[_nextToActivate]);
        }

        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = new Task[_threads];
        for (var t = 0; t < _threads; t++)
        {
            workers[t] = Task.Run(() => WorkAsync(failure), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A worker failed and cancelled the others: report the failure, not the cancellation.
            foreach (var worker in workers)
            {
                if (worker.IsFaulted && worker.Exception?.InnerException is { } cause and not OperationCanceledException)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
                }
            }

            throw;
        }
        finally
        {
            _bufferSlots.Dispose();
        }
    }

    private async Task WorkAsync(CancellationTokenSource failure)
    {
        var token = failure.Token;
        try
        {
            var sampler = new DocumentSampler(_grammar, _seed, _layout.DocumentLength);
            while (true)
            {
                await _bufferSlots.WaitAsync(token).ConfigureAwait(false);
                var buffer = RentBuffer();
                var unit = TakeUnit();
                if (unit is not { } taken)
                {
                    ReturnBuffer(buffer);
                    return;
                }

                var (job, group) = taken;
                var first = job.FirstDocument + ((long)group * _layout.RowGroupDocuments);
                var count = (int)Math.Min(_layout.RowGroupDocuments, job.FirstDocument + job.Documents - first);
                sampler.SampleDocuments(first, count, buffer.AsSpan(0, count * _layout.DocumentLength));
                token.ThrowIfCancellationRequested();
                await SubmitAsync(job, group, buffer, count, token).ConfigureAwait(false);
            }
        }
        catch
        {
            await failure.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private (ShardJob Job, int Group)? TakeUnit()
    {
        lock (_scheduleGate)
        {
            if (_issuing.Count == 0)
            {
                return null;
            }

            var slot = _roundRobin % _issuing.Count;
            var job = _issuing[slot];
            var group = job.Issued++;
            if (job.Issued == job.RowGroups)
            {
                // Its last row group is out: the next file takes its place in the window.
                if (_nextToActivate < _jobs.Length)
                {
                    _issuing[slot] = _jobs[_nextToActivate++];
                    _roundRobin++;
                }
                else
                {
                    _issuing.RemoveAt(slot);
                }
            }
            else
            {
                _roundRobin++;
            }

            return (job, group);
        }
    }

    private async Task SubmitAsync(ShardJob job, int group, int[] buffer, int count, CancellationToken token)
    {
        lock (job.Gate)
        {
            job.Pending.Add(group, (buffer, count));
            if (job.Writing)
            {
                return;
            }

            job.Writing = true;
        }

        while (true)
        {
            int[] items;
            int documents;
            int current;
            lock (job.Gate)
            {
                if (!job.Pending.Remove(job.NextToWrite, out var next))
                {
                    job.Writing = false;
                    return;
                }

                (items, documents) = next;
                current = job.NextToWrite;
            }

            try
            {
                job.Writer ??= await ParquetDatasetWriter.CreateAsync(_finalPath(job.Shard), _compression, _footer(job.Shard), token).ConfigureAwait(false);
                var tokens = documents * _layout.DocumentLength;
                await job.Writer.WriteRowGroupAsync(items.AsMemory(0, tokens), _layout.DocumentLength, token).ConfigureAwait(false);
                _progress?.Report(tokens);
                if (current == job.RowGroups - 1)
                {
                    await job.Writer.CloseAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                ReturnBuffer(items);
            }

            lock (job.Gate)
            {
                job.NextToWrite++;
            }
        }
    }

    private int[] RentBuffer()
    {
        lock (_freeBuffers)
        {
            if (_freeBuffers.TryPop(out var buffer))
            {
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<int>(_layout.RowGroupDocuments * _layout.DocumentLength);
    }

    private void ReturnBuffer(int[] buffer)
    {
        lock (_freeBuffers)
        {
            _freeBuffers.Push(buffer);
        }

        _bufferSlots.Release();
    }

    private sealed class ShardJob(int shard, long firstDocument, long documents, int rowGroups)
    {
        public int Shard { get; } = shard;

        public long FirstDocument { get; } = firstDocument;

        public long Documents { get; } = documents;

        public int RowGroups { get; } = rowGroups;

        public Lock Gate { get; } = new();

        public Dictionary<int, (int[] Buffer, int Documents)> Pending { get; } = [];

        public int Issued { get; set; }

        public int NextToWrite { get; set; }

        public bool Writing { get; set; }

        public ParquetDatasetWriter? Writer { get; set; }
    }
}
