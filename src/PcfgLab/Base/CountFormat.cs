using System.Globalization;

namespace PcfgLab.Base;

/// <summary>Counts written with a metric suffix: <c>500k</c>, <c>10M</c>, <c>1B</c> (also <c>1G</c>, <c>2T</c>, <c>1.5M</c>, <c>1e6</c>).</summary>
public static class CountFormat
{
    /// <summary>Parses a count; throws <see cref="UserInputException"/> with a one-line message when it is not one.</summary>
    public static long Parse(string text, string what = "count")
    {
        if (!TryParse(text, out var value))
        {
            throw new UserInputException($"{what} '{text}' is not a count: write a whole number, optionally with k, M, B or T (for example 500k, 10M, 1B).");
        }

        return value;
    }

    /// <summary>Tries to parse a count with an optional k/M/B(G)/T suffix (case-insensitive).</summary>
    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        double multiplier = 1;
        switch (char.ToUpperInvariant(s[^1]))
        {
            case 'K': multiplier = 1e3; s = s[..^1]; break;
            case 'M': multiplier = 1e6; s = s[..^1]; break;
            case 'B':
            case 'G': multiplier = 1e9; s = s[..^1]; break;
            case 'T': multiplier = 1e12; s = s[..^1]; break;
            default: break;
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            return false;
        }

        var total = number * multiplier;
        if (total < long.MinValue || total > long.MaxValue || Math.Abs(total - Math.Round(total)) > 1e-6)
        {
            return false;
        }

        value = (long)Math.Round(total);
        return true;
    }

    /// <summary>Short human form: 1.5M, 100k, 3B.</summary>
    public static string Format(double value)
    {
        var a = Math.Abs(value);
        return a switch
        {
            >= 1e12 => (value / 1e12).ToString("0.##", CultureInfo.InvariantCulture) + "T",
            >= 1e9 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B",
            >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
            >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
            _ => value.ToString("0.##", CultureInfo.InvariantCulture),
        };
    }
}
