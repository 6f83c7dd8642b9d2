using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.ML.Tokenizers;

namespace PcfgLab.Compression.Corpora;

/// <summary>
/// Tokenises a corpus's text on several threads and hands the result on in the corpus's own order. Each call
/// of the source (a text piece, the end of a document, bytes read, a skipped file) becomes an item of an ordered
/// queue; text pieces are tokenised by <c>threads - 1</c> workers and by the reading thread itself whenever it would
/// otherwise wait (so exactly <c>threads</c> threads are busy, and none spins idle), each with its own tokenizer (a
/// shared one serialises them on its cache's lock), and the reading thread passes finished items to the inner sink
/// strictly in order, as token ids.
/// Small pieces (most source files are a few KiB) travel to the workers in batches of about 64 Ki characters, so a
/// hand-over costs little next to the tokenising it carries.
/// The inner sink therefore sees exactly the calls it would get from a single-threaded run, whatever the thread
/// count or timing: windows, the seeded sample and every number measured are the same. Memory is bounded by the
/// characters in flight (4 MiB of text per thread), not by the corpus. Calls come from one thread, the source's.
/// </summary>
internal sealed class ParallelTokenizingSink : ICorpusSink, IDisposable
{
    private readonly ICorpusSink _inner;
    private readonly Queue<Item> _order = new();
    // Characters of text gathered before a batch goes to the workers.
    private const int BatchChars = 1 << 16;

    private readonly BlockingCollection<List<Item>> _work = new();
    private readonly Thread[] _workers;
    private readonly Tokenizer _own;
    private readonly long _maxChars;
    private List<Item> _batch = [];
    private long _batchChars;
    private long _chars;
    private bool _disposed;

    /// <summary>Starts <paramref name="threads"/> - 1 workers (the calling thread is the last one).</summary>
    /// <param name="inner">Receives the calls, in order, text replaced by token ids.</param>
    /// <param name="first">The calling thread's tokenizer (already loaded by the caller).</param>
    /// <param name="create">Makes a tokenizer for each worker (the same vocabulary).</param>
    /// <param name="threads">Threads that tokenise, the calling one included; at least 1.</param>
    public ParallelTokenizingSink(ICorpusSink inner, Tokenizer first, Func<Tokenizer> create, int threads)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _inner = inner;
        _own = first;

        // Enough text queued that no worker waits while the reader decodes the next files, little enough that memory
        // stays at a few megabytes per thread (a piece is at most a few MiB: the source cuts files at line breaks).
        _maxChars = 4L * threads << 20;
        _workers = new Thread[threads - 1];
        for (var t = 0; t < _workers.Length; t++)
        {
            _workers[t] = new Thread(() => Work(create())) { IsBackground = true, Name = "pcfglab tokenizer " + (t + 1) };
            _workers[t].Start();
        }
    }

    /// <inheritdoc/>
    public void AppendText(ReadOnlySpan<char> text)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        text.CopyTo(chars);
        var item = new Item(ItemKind.Text) { Chars = chars, Length = text.Length };
        _order.Enqueue(item);
        _chars += text.Length;
        _batch.Add(item);
        _batchChars += text.Length;
        if (_batchChars >= BatchChars)
        {
            Dispatch();
        }

        Deliver(waitUntilBelow: _maxChars);
    }

    /// <inheritdoc/>
    public void AppendTokens(ReadOnlySpan<int> tokens)
    {
        if (_order.Count == 0)
        {
            _inner.AppendTokens(tokens);
            return;
        }

        _order.Enqueue(new Item(ItemKind.Tokens) { Ids = tokens.ToArray(), Done = true });
    }

    /// <inheritdoc/>
    public void EndDocument() => Pass(new Item(ItemKind.EndDocument) { Done = true });

    /// <inheritdoc/>
    public void BytesRead(long bytes) => Pass(new Item(ItemKind.BytesRead) { Bytes = bytes, Done = true });

    /// <inheritdoc/>
    public void Skipped(string item, string reason) => Pass(new Item(ItemKind.Skipped) { Name = item, Reason = reason, Done = true });

    /// <summary>Waits for every piece and passes everything on; call once the source is read, before the inner sink's result is used.</summary>
    public void Complete()
    {
        Dispatch();

        // Below 0 never holds: wait for every item, empty pieces included.
        Deliver(waitUntilBelow: 0);
    }

    /// <summary>Stops the workers (after <see cref="Complete"/>, or on failure: pieces still queued are dropped).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _work.CompleteAdding();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _work.Dispose();
    }

    private void Pass(Item item)
    {
        if (_order.Count == 0)
        {
            Hand(item);
            return;
        }

        _order.Enqueue(item);
        Deliver(waitUntilBelow: _maxChars);
    }

    /// <summary>Sends the gathered pieces to the workers as one batch.</summary>
    private void Dispatch()
    {
        if (_batch.Count > 0)
        {
            _work.Add(_batch);
            _batch = [];
            _batchChars = 0;
        }
    }

    /// <summary>Passes on finished items from the head of the queue; waits while <paramref name="waitUntilBelow"/> or more characters are pending.</summary>
    private void Deliver(long waitUntilBelow)
    {
        while (_order.TryPeek(out var head))
        {
            if (!head.Done)
            {
                if (_chars < waitUntilBelow)
                {
                    return;
                }

                // Rather than wait, tokenise queued pieces here (the head may be among them, or still gathering).
                Dispatch();
                if (_work.TryTake(out var batch))
                {
                    foreach (var job in batch)
                    {
                        Tokenize(job, _own);
                    }

                    continue;
                }

                lock (head)
                {
                    while (!head.Done)
                    {
                        Monitor.Wait(head);
                    }
                }
            }

            _order.Dequeue();
            Hand(head);
        }
    }

    private void Hand(Item item)
    {
        switch (item.Kind)
        {
            case ItemKind.Text:
                _chars -= item.Length;
                if (item.Error is { } error)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                }

                _inner.AppendTokens(item.Ids is List<int> list ? CollectionsMarshal.AsSpan(list) : item.Ids is int[] array ? array : [.. item.Ids]);
                break;
            case ItemKind.Tokens:
                _inner.AppendTokens((int[])item.Ids);
                break;
            case ItemKind.EndDocument:
                _inner.EndDocument();
                break;
            case ItemKind.BytesRead:
                _inner.BytesRead(item.Bytes);
                break;
            default:
                _inner.Skipped(item.Name!, item.Reason!);
                break;
        }
    }

    private static void Tokenize(Item item, Tokenizer tokenizer)
    {
        try
        {
            item.Ids = tokenizer.EncodeToIds(item.Chars.AsSpan(0, item.Length), considerPreTokenization: true, considerNormalization: true);
        }
        catch (Exception ex)
        {
            item.Error = ex;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(item.Chars!);
            item.Chars = null;
        }

        lock (item)
        {
            item.Done = true;
            Monitor.PulseAll(item);
        }
    }

    private void Work(Tokenizer tokenizer)
    {
        foreach (var batch in _work.GetConsumingEnumerable())
        {
            foreach (var item in batch)
            {
                Tokenize(item, tokenizer);
            }
        }
    }

    private enum ItemKind
    {
        Text,
        Tokens,
        EndDocument,
        BytesRead,
        Skipped,
    }

    private sealed class Item(ItemKind kind)
    {
        public ItemKind Kind { get; } = kind;

        public char[]? Chars { get; set; }

        public int Length { get; init; }

        public IReadOnlyList<int> Ids { get; set; } = [];

        public Exception? Error { get; set; }

        public long Bytes { get; init; }

        public string? Name { get; init; }

        public string? Reason { get; init; }

        // Read by the reading thread without the lock first (then again under it): volatile, so a finished item is seen.
        public bool Done
        {
            get => Volatile.Read(ref _done);
            set => Volatile.Write(ref _done, value);
        }

        private bool _done;
    }
}
