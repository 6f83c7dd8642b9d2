using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace PcfgLab.Compression.Tokenization;

/// <summary>
/// Turns a <c>--tokenizer</c> value into a tokenizer: <c>cl100k</c> and <c>o200k</c> are OpenAI's encodings
/// with the vocabularies shipped inside the Microsoft.ML.Tokenizers.Data packages (nothing is downloaded);
/// a path to a Hugging Face <c>tokenizer.json</c> (BPE) or a SentencePiece <c>.model</c> loads that file.
/// </summary>
public static class TokenizerFactory
{
    /// <summary>The built-in names.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["cl100k", "o200k"];

    /// <summary>Creates the tokenizer <paramref name="nameOrPath"/>; throws <see cref="UserInputException"/> when it cannot.</summary>
    public static Tokenizer Create(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        switch (nameOrPath.Trim().ToLowerInvariant())
        {
            case "cl100k" or "cl100k_base" or "gpt-4":
                return TiktokenTokenizer.CreateForEncoding("cl100k_base");
            case "o200k" or "o200k_base" or "gpt-4o":
                return TiktokenTokenizer.CreateForEncoding("o200k_base");
        }

        if (!File.Exists(nameOrPath))
        {
            throw new UserInputException($"tokenizer '{nameOrPath}' is neither cl100k, o200k nor an existing file (a tokenizer.json or a SentencePiece .model).");
        }

        if (nameOrPath.EndsWith(".model", StringComparison.OrdinalIgnoreCase))
        {
            return LoadSentencePiece(nameOrPath);
        }

        return HuggingFaceBpe.Load(nameOrPath);
    }

    /// <summary>
    /// Like <see cref="Create"/>, but for <c>cl100k</c> and <c>o200k</c> a tokenizer that shares no mutable state with
    /// any other: its own pre-tokenizer <see cref="Regex"/> (the built-in ones all use one static, source-generated
    /// instance whose single cached runner two threads fight over: a second tokenising thread then allocated a new
    /// runner per match, 6 times the memory traffic and more CPU than it saved) and its own vocabulary, read from the
    /// vocabulary package (about 0.1-0.3 s). Gives the same ids as <see cref="Create"/> (tested). For one worker thread each.
    /// </summary>
    public static Tokenizer CreateUnshared(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        var (encoding, package, pattern) = nameOrPath.Trim().ToLowerInvariant() switch
        {
            "cl100k" or "cl100k_base" or "gpt-4" => ("cl100k_base", "Microsoft.ML.Tokenizers.Data.Cl100kBase", Cl100kPattern),
            "o200k" or "o200k_base" or "gpt-4o" => ("o200k_base", "Microsoft.ML.Tokenizers.Data.O200kBase", O200kPattern),
            _ => (null, null, null),
        };
        if (encoding is null)
        {
            // A tokenizer file is read again: nothing is shared with another instance.
            return Create(nameOrPath);
        }

        var special = TiktokenTokenizer.CreateForEncoding(encoding).SpecialTokens;
        using var resource = System.Reflection.Assembly.Load(package!).GetManifestResourceStream(encoding + ".tiktoken.deflate")
            ?? throw new InvalidOperationException($"{package} has no {encoding} vocabulary.");
        using var vocabulary = new System.IO.Compression.DeflateStream(resource, System.IO.Compression.CompressionMode.Decompress);
        return TiktokenTokenizer.Create(vocabulary, new RegexPreTokenizer(new Regex(pattern!, RegexOptions.Compiled), special), normalizer: null, special);
    }

    // The pre-tokenizer patterns of Microsoft.ML.Tokenizers 2.0.1 (TiktokenTokenizer's private constants).
    private const string Cl100kPattern =
        @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";

    private const string O200kPattern =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static Tokenizer LoadSentencePiece(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new UserInputException($"{path} is not a SentencePiece model this tool can read ({FirstLine(ex.Message)}).", ex);
        }
    }

    internal static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings("\n");
        var end = line.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? line : line[..end];
    }
}
