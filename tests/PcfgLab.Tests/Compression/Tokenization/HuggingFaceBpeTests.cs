using System.Text.Json;
using PcfgLab.Compression.Tokenization;

namespace PcfgLab.Tests.Compression.Tokenization;

public sealed class HuggingFaceBpeTests : IDisposable
{
    // A character-level BPE with no byte-level handling: merges in rank order b+c, a+b, a+bc, x+y.
    private const string Tiny = """
        {
          "version": "1.0",
          "added_tokens": [ { "id": 9, "content": "<eos>", "special": true } ],
          "model": {
            "type": "BPE",
            "unk_token": "<unk>",
            "vocab": { "<unk>": 0, "a": 1, "b": 2, "c": 3, "x": 4, "y": 5, "bc": 6, "ab": 7, "abc": 8, "<eos>": 9, "xy": 10 },
            "merges": [ "b c", ["a", "b"], "a bc", "x y" ]
          }
        }
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pcfglab-hfbpe-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string json, string name = "tokenizer.json")
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("abc", new[] { 8 })]
    [InlineData("ab", new[] { 7 })]
    [InlineData("bc", new[] { 6 })]
    [InlineData("ba", new[] { 2, 1 })]
    [InlineData("xy", new[] { 10 })]
    [InlineData("abcxy", new[] { 8, 10 })]
    [InlineData("cab", new[] { 3, 7 })]
    public void Merges_apply_in_rank_order(string text, int[] expected)
    {
        // "abc": b+c (rank 0) wins over a+b (rank 1), then a+bc gives 8. "cab": c stays, a+b gives 7.
        var tokenizer = HuggingFaceBpe.Load(Write(Tiny));
        Assert.Equal(expected, tokenizer.EncodeToIds(text));
    }

    [Fact]
    public void A_lower_rank_merge_listed_first_changes_the_result()
    {
        // Same vocabulary, a+b now ranks before b+c: "abc" -> ab, c, and "ab c" is no merge, so [7, 3].
        var reordered = Tiny.Replace("\"b c\", [\"a\", \"b\"]", "[\"a\", \"b\"], \"b c\"", StringComparison.Ordinal);
        Assert.NotEqual(Tiny, reordered);
        Assert.Equal([7, 3], HuggingFaceBpe.Load(Write(reordered)).EncodeToIds("abc"));
    }

    [Fact]
    public void Characters_outside_the_vocabulary_are_the_unknown_token()
    {
        Assert.Equal([1, 0, 2], HuggingFaceBpe.Load(Write(Tiny)).EncodeToIds("azb"));
    }

    [Fact]
    public void Split_regex_of_the_pre_tokenizer_is_used_and_blocks_merges_across_pieces()
    {
        // The Split regex makes every character its own piece, so no merge can apply: "abc" -> a, b, c.
        var json = Tiny.Replace("\"model\":", """
            "pre_tokenizer": { "type": "Sequence", "pretokenizers": [ { "type": "Split", "pattern": { "Regex": "." }, "behavior": "Isolated" } ] },
            "model":
            """, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], HuggingFaceBpe.Load(Write(json)).EncodeToIds("abc"));
    }

    [Fact]
    public void Malformed_json_is_a_one_line_user_error_naming_the_file()
    {
        var path = Write("{\"model\": {\"type\": \"BPE\", \"vocab\": ", "broken.json");
        var error = Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path));
        Assert.StartsWith(path + " is not JSON (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("give a Hugging Face tokenizer.json, a SentencePiece .model, cl100k or o200k.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("""{"model": {"type": "BPE", "merges": []}}""")]
    [InlineData("""{"model": {"type": "BPE", "vocab": ["a", "b"]}}""")]
    public void Missing_or_non_object_model_vocab_is_a_one_line_user_error(string json)
    {
        var path = Write(json);
        var error = Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path));
        Assert.Equal(path + " has no model.vocab object.", error.Message);
    }

    [Fact]
    public void Missing_model_is_a_one_line_user_error()
    {
        var path = Write("""{"version": "1.0"}""");
        Assert.Equal(path + " has no \"model\" object; it is not a Hugging Face tokenizer.json.",
            Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path)).Message);
    }

    [Fact]
    public void Vocab_entry_without_an_integer_id_is_named()
    {
        var path = Write("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": "one"}}}""");
        Assert.Equal(path + ": model.vocab entry 'b' has no integer id.",
            Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path)).Message);
    }

    [Fact]
    public void Merge_that_is_neither_a_string_nor_a_pair_is_a_user_error()
    {
        var path = Write("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b", "c"]]}}""");
        Assert.Equal(path + ": model.merges holds an entry that is neither \"a b\" nor [\"a\", \"b\"].",
            Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path)).Message);
    }

    [Fact]
    public void Non_BPE_model_is_rejected_by_its_type()
    {
        var path = Write("""{"model": {"type": "WordPiece", "vocab": {"a": 0}}}""");
        Assert.Equal(path + " holds a WordPiece model; only BPE tokenizer.json files are supported (or give a SentencePiece .model).",
            Assert.Throws<UserInputException>(() => HuggingFaceBpe.Load(path)).Message);
    }

    [Fact]
    public void Model_without_a_type_is_read_as_BPE()
    {
        var path = Write("""{"model": {"vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}}""");
        Assert.Equal([2], HuggingFaceBpe.Load(path).EncodeToIds("ab"));
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted()
    {
        var path = Write("""
            // exported by hand
            {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2,}, "merges": ["a b",],},}
            """);
        Assert.Equal([2, 0], HuggingFaceBpe.Load(path).EncodeToIds("aba"));
    }
}
