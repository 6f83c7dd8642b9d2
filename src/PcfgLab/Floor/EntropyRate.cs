using PcfgLab.Grammars;
using PcfgLab.Sampling;

namespace PcfgLab.Floor;

/// <summary>
/// The entropy rate of a grammar's sentence stream, h = H(S) / (E|S| + 1) nats per token: the string entropy per
/// sentence over the tokens it takes, its separator included.
/// </summary>
/// <param name="SentenceEntropyNats">H(S), the entropy of the sentence distribution (strings, not derivations), in nats:
/// the exact derivation entropy H(D) minus the Monte Carlo mean of -ln P(derivation | sentence) = ln P(s) - ln P(d)
/// over sampled derivations, each P(s) exact. (H(S) = H(D) - H(D | S) since a derivation fixes its sentence; the
/// subtracted term is 0 for every sentence of an unambiguous grammar, so the estimate is exact there, and it varies far
/// less than -ln P(s) itself elsewhere.)</param>
/// <param name="SentenceEntropyStandardError">Standard error of <see cref="SentenceEntropyNats"/>.</param>
/// <param name="MeanSurprisalNats">The plain Monte Carlo estimate of H(S): the mean of -ln P(s) over the same
/// sentences (a check: it must agree with <see cref="SentenceEntropyNats"/> within its larger error).</param>
/// <param name="MeanSurprisalStandardError">Standard error of <see cref="MeanSurprisalNats"/>.</param>
/// <param name="ExpectedSentenceLength">E|S| in tokens, exact (from the grammar's first-moment equations).</param>
/// <param name="MeanSampledLength">Mean length of the sampled sentences (a check on the sample).</param>
/// <param name="DerivationEntropyNats">Entropy of derivations per sentence, exact; an upper bound of H(S), equal to it
/// for an unambiguous grammar.</param>
/// <param name="Sentences">Sentences sampled.</param>
/// <param name="Seed">Seed of the sentence sample.</param>
public sealed record EntropyRateEstimate(
    double SentenceEntropyNats,
    double SentenceEntropyStandardError,
    double MeanSurprisalNats,
    double MeanSurprisalStandardError,
    double ExpectedSentenceLength,
    double MeanSampledLength,
    double DerivationEntropyNats,
    int Sentences,
    ulong Seed)
{
    /// <summary>h = H(S) / (E|S| + 1), nats per token.</summary>
    public double RateNats => SentenceEntropyNats / (ExpectedSentenceLength + 1);

    /// <summary>Standard error of <see cref="RateNats"/> (E|S| is exact, so only H(S) contributes).</summary>
    public double RateStandardError => SentenceEntropyStandardError / (ExpectedSentenceLength + 1);

    /// <summary>Lower end of the 95% interval of <see cref="RateNats"/>.</summary>
    public double RateLower95 => RateNats - (LossFloor.Z95 * RateStandardError);

    /// <summary>Upper end of the 95% interval of <see cref="RateNats"/>.</summary>
    public double RateUpper95 => RateNats + (LossFloor.Z95 * RateStandardError);

    /// <summary>Derivation entropy per token, separators included: the upper bound of <see cref="RateNats"/> that
    /// <c>grammar info</c> gave before.</summary>
    public double DerivationRateNats => DerivationEntropyNats / (ExpectedSentenceLength + 1);
}

/// <summary>Estimates <see cref="EntropyRateEstimate"/> by Monte Carlo over sentences scored exactly with <see cref="PrefixParser"/>.</summary>
public static class EntropyRate
{
    /// <summary>Default number of sentences sampled.</summary>
    public const int DefaultSentences = 20_000;

    /// <summary>Most sentences one estimate samples: each keeps three values in memory until the sums, and the standard
    /// error is long negligible before this many.</summary>
    public const int MaxSentences = 10_000_000;

    /// <summary>
    /// Samples <paramref name="sentences"/> derivations (sentence i from its own generator stream, so any thread count
    /// gives the same sample) and estimates H(S) from their exact sentence and derivation probabilities.
    /// </summary>
    public static EntropyRateEstimate Estimate(
        PrefixGrammar grammar,
        ulong seed,
        int sentences = DefaultSentences,
        int threads = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (sentences < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("sentences")} must be at least 2, got {sentences}.");
        }

        ValidateSentences(sentences, "sentences");
        if (threads < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("threads")} must be positive, got {threads}.");
        }

        var analysis = GrammarAnalysis.Analyze(grammar.Compiled.Source);
        if (analysis.ConditionedIsCritical || !double.IsFinite(analysis.ExpectedSentenceLength))
        {
            throw UndefinedFloorException.Error("the grammar conditioned on finite derivations is critical (infinite expected sentence length): its entropy rate is not defined.");
        }

        var surprisal = new double[sentences];
        var ambiguity = new double[sentences];
        var lengths = new int[sentences];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        var blocks = Math.Min(sentences, threads * 8);
        Parallel.For(0, blocks, options, () => new Worker(grammar), (block, _, worker) =>
        {
            var from = (int)((long)sentences * block / blocks);
            var to = (int)((long)sentences * (block + 1) / blocks);
            for (var i = from; i < to; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (surprisal[i], ambiguity[i], lengths[i]) = worker.Score(SentenceStream(seed, i));
            }

            return worker;
        }, _ => { });

        var lengthSum = 0L;
        for (var i = 0; i < sentences; i++)
        {
            lengthSum += lengths[i];
        }

        var (surprisalMean, surprisalError) = MeanAndError(surprisal);
        var (ambiguityMean, ambiguityError) = MeanAndError(ambiguity);
        var derivation = analysis.DerivationEntropyBits * Math.Log(2);
        return new EntropyRateEstimate(
            derivation - ambiguityMean,
            ambiguityError,
            surprisalMean,
            surprisalError,
            analysis.ExpectedSentenceLength,
            (double)lengthSum / sentences,
            derivation,
            sentences,
            seed);
    }

    /// <summary>Refuses more than <see cref="MaxSentences"/> sentences (named <paramref name="parameter"/>) before any work.</summary>
    internal static void ValidateSentences(long sentences, string parameter)
    {
        if (sentences > MaxSentences)
        {
            throw UserInputException.ForParameters(
                $"{new Parameter(parameter)} must be at most {MaxSentences} (each sentence's values are kept in memory for the standard error, which is negligible long before that), got {sentences}.");
        }
    }

    /// <summary>Mean and its standard error, summed in index order.</summary>
    private static (double Mean, double Error) MeanAndError(double[] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        var mean = sum / values.Length;
        var squares = 0.0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(squares / (values.Length - 1) / values.Length));
    }

    /// <summary>The generator of sentence <paramref name="index"/>: streams with the top bit set, apart from documents'.</summary>
    internal static Xoshiro256StarStar SentenceStream(ulong seed, long index) =>
        Xoshiro256StarStar.ForStream(seed, (1UL << 63) | (ulong)index);

    private sealed class Worker(PrefixGrammar grammar)
    {
        private readonly SentenceSampler _sampler = new(grammar.Compiled);
        private readonly PrefixParser _parser = new(grammar);
        private int[] _sentence = new int[1024];
        private double[] _conditionals = new double[1024];

        /// <summary>-ln P(s), -ln P(d | s) = ln P(s) - ln P(d) and the length of the derivation d the generator makes.</summary>
        public (double Surprisal, double Ambiguity, int Length) Score(Xoshiro256StarStar rng)
        {
            int length;
            double log2Derivation;
            while (true)
            {
                // A sentence that fills the buffer may be cut: draw it again from the same state with a larger buffer.
                var state = rng;
                length = _sampler.SampleSentenceScored(ref state, _sentence, out log2Derivation);
                if (length < _sentence.Length)
                {
                    break;
                }

                _sentence = new int[_sentence.Length * 2];
            }

            if (_conditionals.Length < length)
            {
                _conditionals = new double[_sentence.Length];
            }

            var ending = _parser.Parse(_sentence.AsSpan(0, length), complete: true, _conditionals);
            var surprisal = -Math.Log(ending);
            for (var t = 0; t < length; t++)
            {
                // A certain token adds -ln 1 = 0 exactly; skipping the logarithm keeps the sum's bits and spares most of
                // the time on long deterministic sentences.
                var c = _conditionals[t];
                if (c != 1.0)
                {
                    surprisal -= Math.Log(c);
                }
            }

            // ln P(s) - ln P(d) >= 0; rounding can leave -1e-15 on unambiguous sentences, which is kept (unbiased).
            return (surprisal, -surprisal - (log2Derivation * Math.Log(2)), length);
        }
    }
}
