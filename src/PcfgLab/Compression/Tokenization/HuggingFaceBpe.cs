using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace PcfgLab.Compression.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is BPE (GPT-2, RoBERTa, Llama 3, StarCoder, ...):
/// <c>model.vocab</c>, <c>model.merges</c> (either "a b" strings or ["a","b"] pairs), byte-level handling
/// when a ByteLevel pre-tokenizer or decoder is present, the pre-tokenizer's Split regex when there is one
/// (GPT-2's pattern otherwise), and <c>added_tokens</c> as special tokens. Microsoft.ML.Tokenizers 2.0 cannot
/// open tokenizer.json itself, so the JSON is parsed here and handed to its <see cref="BpeTokenizer"/>.
/// </summary>
internal static class HuggingFaceBpe
{
    /// <summary>GPT-2's pre-tokenization pattern, used by byte-level tokenizers that name no Split regex.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static Tokenizer Load(string path)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{path} is not JSON ({ex.Message}); give a Hugging Face tokenizer.json, a SentencePiece .model, cl100k or o200k.", ex);
        }

        using (document)
        {
            return FromJson(document.RootElement, path);
        }
    }

    internal static Tokenizer FromJson(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{path} has no \"model\" object; it is not a Hugging Face tokenizer.json.");
        }

        var type = model.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : "BPE";
        if (!string.Equals(type, "BPE", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"{path} holds a {type} model; only BPE tokenizer.json files are supported (or give a SentencePiece .model).");
        }

        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{path} has no model.vocab object.");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id))
            {
                throw new UserInputException($"{path}: model.vocab entry '{entry.Name}' has no integer id.");
            }

            vocabulary[entry.Name] = id;
        }

        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergesElement) && mergesElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var merge in mergesElement.EnumerateArray())
            {
                merges.Add(merge.ValueKind switch
                {
                    JsonValueKind.String => merge.GetString()!,
                    JsonValueKind.Array when merge.GetArrayLength() == 2 => merge[0].GetString() + " " + merge[1].GetString(),
                    _ => throw new UserInputException($"{path}: model.merges holds an entry that is neither \"a b\" nor [\"a\", \"b\"]."),
                });
            }
        }

        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.TryGetProperty("content", out var content) && token.TryGetProperty("id", out var id) && id.TryGetInt32(out var value))
                {
                    specialTokens[content.GetString()!] = value;
                }
            }
        }

        var byteLevel = MentionsType(root, "pre_tokenizer", "ByteLevel") || MentionsType(root, "decoder", "ByteLevel");
        var pattern = FindSplitPattern(root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default);
        Regex? regex = pattern is not null ? new Regex(pattern, RegexOptions.Compiled)
            : byteLevel ? new Regex(Gpt2Pattern, RegexOptions.Compiled) : null;
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = byteLevel,
            SpecialTokens = specialTokens.Count > 0 ? specialTokens : null,
            PreTokenizer = regex is not null ? new RegexPreTokenizer(regex, specialTokens.Count > 0 ? specialTokens : null) : PreTokenizer.CreateWordOrNonWord(),
            UnknownToken = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null,
        };
        try
        {
            return BpeTokenizer.Create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new UserInputException($"{path} could not be loaded as a BPE tokenizer ({TokenizerFactory.FirstLine(ex.Message)}).", ex);
        }
    }

    private static bool MentionsType(JsonElement root, string property, string type) =>
        root.TryGetProperty(property, out var element) && ContainsType(element, type);

    private static bool ContainsType(JsonElement element, string type)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == type)
                {
                    return true;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (ContainsType(property.Value, type))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (ContainsType(item, type))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static string? FindSplitPattern(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out var t) && t.GetString() == "Split"
                    && element.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var regex))
                {
                    return regex.GetString();
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (FindSplitPattern(property.Value) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindSplitPattern(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
