using PcfgLab.Generation;
using PcfgLab.Grammars;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Generation;

public sealed class GenerationValidationTests
{
    private static readonly GrammarSpec Spec = new(20, 300, 10, 5);
    private static readonly DatasetGrammar FromSpec = new(RandomGrammarBuilder.Build(Spec, 1), Spec, null, "spec");
    private static readonly DatasetGrammar FromFile = new(RandomGrammarBuilder.Build(Spec, 1), null, null, "file g.pcfg");
    private static readonly GenerationOptions Good = new() { OutputFolder = "unused", Tokens = 1000, Threads = 2 };

    public static TheoryData<string, GenerationOptions, string> Refusals() => new()
    {
        { "spec", Good with { Threads = 0 }, "Threads must be positive, got 0." },
        { "spec", Good with { GzipDocuments = 0 }, "GzipDocuments must be positive, got 0." },
        { "spec", Good with { FloorDocuments = -1 }, "FloorDocuments must be zero or positive, got -1." },
        { "spec", Good with { FloorSentences = 1 }, "FloorSentences must be at least 2, got 1." },
        { "spec", Good with { Seed = new(-3) }, "Seed must be zero or positive, got -3." },
        { "spec", Good with { Compression = new ParquetCompression(ParquetCodec.Zstd, 7) }, "ZstdLevel 7 is not available: Parquet.Net writes Zstandard at levels 1, 3 or 19 only." },
        { "file", Good with { Profile = GenerationProfile.Reference, DocumentLength = 256 }, "Profile reference needs a grammar spec or a preset: the reference builds its grammar from the seed, so a grammar file cannot be used." },
        { "spec", Good with { Profile = GenerationProfile.Reference, DocumentLength = 128 }, "Profile reference makes documents of 256 tokens: drop DocumentLength or set it to 256." },
        { "spec", Good with { Profile = GenerationProfile.Reference, DocumentLength = 256, ShardCount = 2, ShardIndex = 0 }, "ShardIndex cannot be used with Profile reference: the reference samples documents in one sequence; write all shards in one run." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_impossible_request_is_refused_with_one_line_saying_why(string grammar, GenerationOptions options, string expected)
    {
        var error = Assert.Throws<UserInputException>(() => GenerationValidation.Check(grammar == "file" ? FromFile : FromSpec, options));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Sound_requests_pass_for_both_profiles()
    {
        GenerationValidation.Check(FromFile, Good);
        GenerationValidation.Check(FromSpec, Good with { Profile = GenerationProfile.Reference, DocumentLength = 256, FloorDocuments = 0, FloorSentences = 0 });
    }
}
