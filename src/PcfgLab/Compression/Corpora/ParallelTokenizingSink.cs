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
/// The inner sink therefore sees exactly the calls it would get from a single-threaded run, whatever the thread
/// count or timing: windows, the seeded sample and every number measured are the same. Memory is bounded by the
/// pieces in flight (a few per worker), not by the corpus. Calls come from one thread, the source's.
/// </summary>
internal sealed class ParallelTokenizingSink : ICorpusSink, IDisposable
{
    private readonly ICorpusSink _inner;
    private readonly Queue<Item> _order = new();
    private readonly BlockingCollection<Item> _work = new();
    private readonly Thread[] _workers;
    private readonly Tokenizer _own;
    private readonly int _maxPieces;
    private int _pieces;
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

        // Enough pieces queued that no worker waits while the reader decodes the next file, few enough that memory
        // stays at a few megabytes per worker.
        _maxPieces = 4 * threads;
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
        _pieces++;
        _work.Add(item);
        Deliver(waitUntilBelow: _maxPieces);
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
    public void Complete() => Deliver(waitUntilBelow: 1);

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
        Deliver(waitUntilBelow: _maxPieces);
    }

    /// <summary>Passes on finished items from the head of the queue; waits while <paramref name="waitUntilBelow"/> or more pieces are pending.</summary>
    private void Deliver(int waitUntilBelow)
    {
        while (_order.TryPeek(out var head))
        {
            if (!head.Done)
            {
                if (_pieces < waitUntilBelow)
                {
                    return;
                }

                // Rather than wait, tokenise a queued piece here (any one: the head may be among them).
                if (_work.TryTake(out var job))
                {
                    Tokenize(job, _own);
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
                _pieces--;
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
        foreach (var item in _work.GetConsumingEnumerable())
        {
            Tokenize(item, tokenizer);
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
