using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PcfgLab.Base;

/// <summary>
/// The seed of a random grammar and of the documents sampled from it (<c>--seed</c> of <c>generate</c>, <c>grammar</c>
/// and <c>grammar search</c>): <see cref="Value"/> is the integer as given, what Python's <c>random.seed</c> receives
/// for the grammar and what <c>dataset.json</c> records; <see cref="ForStreams"/> is the same 64 bits as the
/// SplitMix64/xoshiro document streams take them. JSON writes it as a plain integer. The seeds of a gzip or bootstrap
/// sample (<see cref="ulong"/>) and of a training run (<see cref="int"/>, handed to PyTorch) are other concepts and stay
/// plain numbers.
/// </summary>
/// <param name="Value">The seed as given (any <see cref="long"/>).</param>
[JsonConverter(typeof(SeedJsonConverter))]
public readonly record struct Seed(long Value)
{
    /// <summary>
    /// The seed of the document streams (<c>DocumentSampler</c>, the floors): <see cref="Value"/>'s 64 bits read as
    /// unsigned, so -1 is 2^64 - 1.
    /// </summary>
    // A reinterpretation, not a check: every long is a seed, and the streams have taken its bits as they are since
    // the first dataset; a checked conversion would refuse negative seeds, and any other mapping would change their bytes.
    public ulong ForStreams => unchecked((ulong)Value);

    /// <summary>Reads a seed written as a whole decimal number (an optional leading minus, no spaces, no separators).</summary>
    /// <param name="text">The text, such as <c>1</c> or <c>-7</c>.</param>
    /// <exception cref="UserInputException">The text is not a whole number or lies outside the range of <see cref="long"/>.</exception>
    public static Seed Parse(string? text) =>
        TryParse(text, out var seed)
            ? seed
            : throw UserInputException.ForParameters($"{new Parameter("Seed")} must be a whole number from {long.MinValue} to {long.MaxValue}, got '{text}'.");

    /// <summary>Reads a seed as <see cref="Parse"/> does; false when <paramref name="text"/> is not one.</summary>
    /// <param name="text">The text, such as <c>1</c> or <c>-7</c>.</param>
    /// <param name="seed">The seed read, or the default when false.</param>
    public static bool TryParse(string? text, out Seed seed)
    {
        var ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value);
        seed = new Seed(value);
        return ok;
    }

    /// <summary>
    /// The rule of the seeds that <c>GrammarSource</c>, the dial and <c>GenerationOptions</c> accept: zero or positive
    /// (Python's <c>random.seed</c> takes -n as n, so a negative grammar seed would only repeat a positive one's grammar).
    /// </summary>
    /// <param name="parameter">The library's name of the parameter that holds it, for the message.</param>
    /// <exception cref="UserInputException">The seed is negative.</exception>
    internal void ThrowIfNegative(string parameter)
    {
        if (Value < 0)
        {
            throw UserInputException.ForParameters($"{new Parameter(parameter)} must be zero or positive, got {Value}.");
        }
    }

    /// <summary>The value as a plain invariant integer (what a file or a log line shows).</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes a <see cref="Seed"/> as the plain JSON integer its <see cref="Seed.Value"/> is, and reads it back.</summary>
internal sealed class SeedJsonConverter : JsonConverter<Seed>
{
    public override Seed Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, Seed value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value.Value);
    }
}
