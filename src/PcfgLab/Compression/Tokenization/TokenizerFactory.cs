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
