using System.Text.Json;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Tests.Compression.Tokenization;

public sealed class TokenizerFactoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-tok-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("cl100k")]
    [InlineData("o200k")]
    public void An_unshared_tokenizer_gives_the_same_ids_as_the_built_in_one(string name)
    {
        // Contractions in both cases, digits in runs, letters with marks, CJK, CRLF, tabs, trailing spaces, code;
        // then seeded random strings over the same characters, for the regex's less common paths.
        const string sample = "It's THEY'LL we'Ve I'M you'd 12345678 3.14 naïve café 日本語のテキスト Ωμέγα\r\n\tint x = 0;  \n\n  }\n#define FOO(a) ((a) + 1) /* note */   \n";
        var shared = TokenizerFactory.Create(name);
        var unshared = TokenizerFactory.CreateUnshared(name);
        Assert.NotSame(shared, unshared);
        Assert.Equal(shared.EncodeToIds(sample), unshared.EncodeToIds(sample));
        var random = new Random(4);
        for (var i = 0; i < 200; i++)
        {
            var text = new string(Enumerable.Range(0, 1 + random.Next(80)).Select(_ => sample[random.Next(sample.Length)]).ToArray());
            Assert.Equal(shared.EncodeToIds(text), unshared.EncodeToIds(text));
        }
    }

    [Theory]
    [InlineData("cl100k", new[] { 15339, 1917 })]
    [InlineData("o200k", new[] { 24912, 2375 })]
    public void Built_in_encodings_give_OpenAI_ids(string name, int[] expected) =>
        Assert.Equal(expected, TokenizerFactory.Create(name).EncodeToIds("hello world"));

    /// <summary>GPT-2's byte-to-character table: printable Latin-1 bytes map to themselves, the rest to 256 + k.</summary>
    private static Dictionary<byte, char> ByteChars()
    {
        var map = new Dictionary<byte, char>();
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            map[(byte)b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private string WriteTokenizerJson(bool mergesAsPairs)
    {
        var chars = ByteChars();
        var vocab = new Dictionary<string, int>();
        for (var b = 0; b < 256; b++)
        {
            vocab[chars[(byte)b].ToString()] = b;
        }

        string[][] merges = [["h", "e"], ["l", "l"], ["he", "ll"], ["hell", "o"]];
        vocab["he"] = 256;
        vocab["ll"] = 257;
        vocab["hell"] = 258;
        vocab["hello"] = 259;
        object mergeList = mergesAsPairs ? merges : merges.Select(m => m[0] + " " + m[1]).ToArray();
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "1.0",
            ["added_tokens"] = new[] { new Dictionary<string, object> { ["id"] = 260, ["content"] = "<|endoftext|>", ["special"] = true } },
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false },
            ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["model"] = new Dictionary<string, object> { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = mergeList },
        });
        var path = Path.Combine(_dir.FullName, mergesAsPairs ? "pairs.json" : "strings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Hugging_Face_byte_level_BPE_applies_its_merges(bool mergesAsPairs)
    {
        var tokenizer = TokenizerFactory.Create(WriteTokenizerJson(mergesAsPairs));

        // "hello" merges fully (259); " hello" is the space byte (32, shown as 'Ġ') then "hello"; "x" is byte 120.
        Assert.Equal([259, 32, 259, 120], tokenizer.EncodeToIds("hello hellox"));
    }

    [Fact]
    public void Malformed_tokenizer_json_is_a_one_line_user_error()
    {
        var path = Path.Combine(_dir.FullName, "tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        var error = Assert.Throws<UserInputException>(() => TokenizerFactory.Create(path));
        Assert.Contains("is not JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Tokenizer_json_without_a_model_is_rejected()
    {
        var path = Path.Combine(_dir.FullName, "tokenizer.json");
        File.WriteAllText(path, "{\"version\": \"1.0\"}");
        Assert.Contains("no \"model\"", Assert.Throws<UserInputException>(() => TokenizerFactory.Create(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unigram_tokenizer_json_is_rejected_by_name()
    {
        var path = Path.Combine(_dir.FullName, "tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        Assert.Contains("Unigram", Assert.Throws<UserInputException>(() => TokenizerFactory.Create(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SentencePiece_bpe_model_merges_by_score()
    {
        var path = Path.Combine(_dir.FullName, "tiny.model");
        SentencePieceModelFile.Write(path,
        [
            ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3),
            ("\u2581", -10, 1), ("h", -11, 1), ("e", -12, 1), ("l", -13, 1), ("o", -14, 1), ("x", -15, 1),
            ("he", -1, 1), ("ll", -2, 1), ("hell", -3, 1), ("hello", -4, 1), ("\u2581hello", -5, 1),
        ]);
        var tokenizer = TokenizerFactory.Create(path);

        // "hello x" -> "▁hello▁x": "▁hello" (13) merges fully; "▁" (3) and "x" (8) stay apart; no <s> is added.
        Assert.Equal([13, 3, 8], tokenizer.EncodeToIds("hello x"));
    }

    [Fact]
    public void Garbage_sentencepiece_model_is_a_user_error()
    {
        var path = Path.Combine(_dir.FullName, "broken.model");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03]);
        var error = Assert.Throws<UserInputException>(() => TokenizerFactory.Create(path));
        Assert.Contains("SentencePiece", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_name_that_is_no_file_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => TokenizerFactory.Create("gpt2"));
        Assert.Contains("cl100k", error.Message, StringComparison.Ordinal);
    }
}
