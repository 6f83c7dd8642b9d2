using System.Globalization;

namespace PcfgLab.Grammars;

/// <summary>
/// The four numbers that define the random-PCFG family of the study: nonterminals, terminals,
/// maximum options per nonterminal and maximum right-hand-side length.
/// </summary>
/// <param name="Nonterminals">Number of nonterminals N0..N(n-1) (the start symbol S is extra).</param>
/// <param name="Terminals">Number of terminal symbols.</param>
/// <param name="MaxOptions">Maximum number of right-hand sides per nonterminal.</param>
/// <param name="MaxLength">Maximum right-hand-side length.</param>
public sealed record GrammarSpec(int Nonterminals, int Terminals, int MaxOptions, int MaxLength)
{
    /// <summary>Throws <see cref="UserInputException"/> with a one-line message naming the field when a field is not positive.</summary>
    public void Validate()
    {
        Check(Nonterminals, nameof(Nonterminals));
        Check(Terminals, nameof(Terminals));
        Check(MaxOptions, nameof(MaxOptions));
        Check(MaxLength, nameof(MaxLength));

        static void Check(int value, string name)
        {
            if (value < 1)
            {
                throw UserInputException.ForParameters($"{new Parameter(name)} must be a positive integer, got {value}.");
            }
        }
    }

    /// <summary>The study's notation, for example <c>(20,300,10,5)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({Nonterminals},{Terminals},{MaxOptions},{MaxLength})");

    /// <summary>File-name form, for example <c>20_300_10_5</c>.</summary>
    public string ToSlug() =>
        string.Create(CultureInfo.InvariantCulture, $"{Nonterminals}_{Terminals}_{MaxOptions}_{MaxLength}");
}
