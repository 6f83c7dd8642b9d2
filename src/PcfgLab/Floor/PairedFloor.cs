namespace PcfgLab.Floor;

/// <summary>
/// The loss floor of given documents, one value per document: the exact ideal loss (nats per token over positions
/// 2..L, as <see cref="LossFloor"/> measures it) of each, so that a run's loss on the same documents can be compared
/// document by document.
/// </summary>
/// <param name="Documents">The dataset document indices measured, ascending and distinct.</param>
/// <param name="Losses">Each document's ideal loss, in the order of <paramref name="Documents"/> (NaN for a document
/// shorter than 2 tokens, which predicts nothing).</param>
/// <param name="MeanNats">Mean of the finite <paramref name="Losses"/>: the floor of exactly these documents.</param>
/// <param name="StandardError">Standard error of <paramref name="MeanNats"/> over the documents (NaN with fewer than 2).</param>
public sealed record DocumentFloor(IReadOnlyList<long> Documents, IReadOnlyList<double> Losses, double MeanNats, double StandardError)
{
    /// <summary>The ideal loss of dataset document <paramref name="document"/>, when it was measured.</summary>
    public bool TryGetLoss(long document, out double loss)
    {
        var lo = 0;
        var hi = Documents.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var value = Documents[mid];
            if (value == document)
            {
                loss = Losses[mid];
                return true;
            }

            if (value < document)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        loss = double.NaN;
        return false;
    }
}

/// <summary>
/// A run's excess loss over the floor of its own validation documents: the mean over those documents of (the run's
/// loss - the floor's loss), with the standard error of those paired differences. Pairing removes the spread between
/// documents, which both losses share, so the error is far smaller than the two separate errors combined, and the floor
/// describes exactly the documents the run was scored on (not other ones).
/// </summary>
/// <param name="Mean">Mean paired difference, nats per token: how far above the floor the run is.</param>
/// <param name="StandardError">Standard error of <paramref name="Mean"/> (sample sd of the differences / sqrt(documents));
/// NaN with fewer than 2 documents.</param>
/// <param name="Documents">Documents paired (those with a finite loss on both sides).</param>
/// <param name="RunMean">The run's mean loss over those documents (a mean of per-document means).</param>
/// <param name="FloorMean">The floor's mean over those documents.</param>
public sealed record PairedExcess(double Mean, double StandardError, int Documents, double RunMean, double FloorMean)
{
    /// <summary>Lower end of the 95% interval of the excess.</summary>
    public double Lower95 => Mean - (LossFloor.Z95 * StandardError);

    /// <summary>Upper end of the 95% interval of the excess.</summary>
    public double Upper95 => Mean + (LossFloor.Z95 * StandardError);

    /// <summary>True when the whole 95% interval is below 0: the run beats the best possible model on these
    /// documents, which no model can, so the pipeline has a bug.</summary>
    public bool IsBelow => Upper95 < 0;
}

/// <summary>Computes <see cref="DocumentFloor"/> and <see cref="PairedExcess"/>.</summary>
public static class PairedFloor
{
    /// <summary>
    /// The ideal loss of each of <paramref name="documents"/> (the token sequences of dataset documents
    /// <paramref name="indices"/>, as the dataset holds them). Parallel over documents; bit-identical for any thread count.
    /// </summary>
    /// <param name="grammar">The dataset's grammar tables.</param>
    /// <param name="indices">The documents' indices in the dataset, ascending and distinct.</param>
    /// <param name="documents">The documents' tokens, one per index.</param>
    /// <param name="threads">Worker threads, at least 1.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public static DocumentFloor Measure(PrefixGrammar grammar, IReadOnlyList<long> indices, IReadOnlyList<int[]> documents, int threads = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(documents);
        if (indices.Count != documents.Count)
        {
            throw new ArgumentException($"{indices.Count} indices but {documents.Count} documents.", nameof(documents));
        }

        if (threads < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("threads")} must be positive, got {threads}.");
        }

        LossFloor.ValidateDocuments(indices.Count, "documents");
        for (var i = 1; i < indices.Count; i++)
        {
            if (indices[i] <= indices[i - 1])
            {
                throw new ArgumentException("Document indices must be ascending and distinct.", nameof(indices));
            }
        }

        var losses = new double[documents.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var blocks = Math.Max(1, Math.Min(documents.Count, threads * 8));
        Parallel.For(0, blocks, options, () => (Loss: new DocumentLoss(grammar), Scratch: new double[256]), (block, _, worker) =>
        {
            var from = (int)((long)documents.Count * block / blocks);
            var to = (int)((long)documents.Count * (block + 1) / blocks);
            for (var d = from; d < to; d++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var document = documents[d];
                if (document.Length < 2)
                {
                    losses[d] = double.NaN;
                    continue;
                }

                if (worker.Scratch.Length < document.Length)
                {
                    worker.Scratch = new double[document.Length];
                }

                var (predicted, _) = worker.Loss.Sum(document, worker.Scratch);
                losses[d] = predicted / (document.Length - 1);
            }

            return worker;
        }, _ => { });

        var (mean, error, _) = MeanAndError(losses);
        return new DocumentFloor([.. indices], losses, mean, error);
    }

    /// <summary>
    /// The paired excess of a run whose per-document losses are <paramref name="runLosses"/> over the floor's
    /// <paramref name="floorLosses"/> of the same documents in the same order; a pair with a missing or non-finite
    /// value on either side is left out.
    /// </summary>
    public static PairedExcess Excess(IReadOnlyList<double?> runLosses, IReadOnlyList<double> floorLosses)
    {
        ArgumentNullException.ThrowIfNull(runLosses);
        ArgumentNullException.ThrowIfNull(floorLosses);
        if (runLosses.Count != floorLosses.Count)
        {
            throw new ArgumentException($"{runLosses.Count} run losses but {floorLosses.Count} floor losses: they must be the same documents.", nameof(floorLosses));
        }

        var differences = new List<double>(runLosses.Count);
        var runSum = 0.0;
        var floorSum = 0.0;
        for (var i = 0; i < runLosses.Count; i++)
        {
            if (runLosses[i] is { } run && double.IsFinite(run) && double.IsFinite(floorLosses[i]))
            {
                differences.Add(run - floorLosses[i]);
                runSum += run;
                floorSum += floorLosses[i];
            }
        }

        var (mean, error, count) = MeanAndError(differences);
        return count == 0
            ? new PairedExcess(double.NaN, double.NaN, 0, double.NaN, double.NaN)
            : new PairedExcess(mean, error, count, runSum / count, floorSum / count);
    }

    /// <summary>Mean, standard error (sample sd / sqrt n; NaN below 2 values) and count of the finite values, summed in order.</summary>
    private static (double Mean, double Error, int Count) MeanAndError(IReadOnlyList<double> values)
    {
        var sum = 0.0;
        var count = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                sum += v;
                count++;
            }
        }

        if (count == 0)
        {
            return (double.NaN, double.NaN, 0);
        }

        var mean = sum / count;
        var squares = 0.0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                squares += (v - mean) * (v - mean);
            }
        }

        return (mean, count > 1 ? Math.Sqrt(squares / (count - 1) / count) : double.NaN, count);
    }
}
