using PcfgLab.Sampling;

namespace PcfgLab.Generation;

/// <summary>
/// The checks of a generation request that need no layout and no file: counts, seed, codec, and what the reference
/// profile cannot do. Each failure is a <see cref="UserInputException"/> with a one-line message.
/// </summary>
internal static class GenerationValidation
{
    /// <summary>Throws when <paramref name="options"/> cannot generate a dataset of <paramref name="grammar"/>.</summary>
    public static void Check(DatasetGrammar grammar, GenerationOptions options)
    {
        if (options.Threads < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("Threads")} must be positive, got {options.Threads}.");
        }

        if (options.GzipDocuments < 1)
        {
            throw UserInputException.ForParameters($"{new Parameter("GzipDocuments")} must be positive, got {options.GzipDocuments}.");
        }

        if (options.FloorDocuments < 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("FloorDocuments")} must be zero or positive, got {options.FloorDocuments}.");
        }

        if (options.FloorDocuments > 0 && options.FloorSentences < 2)
        {
            throw UserInputException.ForParameters($"{new Parameter("FloorSentences")} must be at least 2, got {options.FloorSentences}.");
        }

        // The floor runs after the shards are written: refuse sizes it cannot hold before generating anything.
        PcfgLab.Floor.LossFloor.ValidateDocuments(options.FloorDocuments, "FloorDocuments");
        if (options.FloorDocuments > 0)
        {
            PcfgLab.Floor.EntropyRate.ValidateSentences(options.FloorSentences, "FloorSentences");
        }

        options.Seed.ThrowIfNegative("Seed");

        options.Compression.Validate();
        if (options.Profile == GenerationProfile.Reference)
        {
            if (grammar.Spec is null)
            {
                throw UserInputException.ForParameters($"{new Parameter("Profile")} reference needs a grammar spec or a preset: the reference builds its grammar from the seed, so a grammar file cannot be used.");
            }

            if (options.DocumentLength != ReferenceSampler.TokensPerDocument)
            {
                throw UserInputException.ForParameters($"{new Parameter("Profile")} reference makes documents of {ReferenceSampler.TokensPerDocument} tokens: drop {new Parameter("DocumentLength")} or set it to {ReferenceSampler.TokensPerDocument}.");
            }

            if (options.ShardIndex is not null)
            {
                throw UserInputException.ForParameters($"{new Parameter("ShardIndex")} cannot be used with {new Parameter("Profile")} reference: the reference samples documents in one sequence; write all shards in one run.");
            }
        }
    }
}
