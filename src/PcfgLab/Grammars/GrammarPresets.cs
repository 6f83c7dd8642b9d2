using System.Globalization;

namespace PcfgLab.Grammars;

/// <summary>A named random-grammar spec.</summary>
/// <param name="Name">Preset name, for example <c>gzipscale-0.35</c>.</param>
/// <param name="Group">Series it belongs to: <c>study</c>, <c>iso-vocabulary</c> or <c>equal-compressibility</c>.</param>
/// <param name="Spec">The random-grammar spec.</param>
/// <param name="Description">One sentence on what the preset is for.</param>
public sealed record GrammarPreset(string Name, string Group, GrammarSpec Spec, string Description);

/// <summary>
/// The study's named grammar specs (Pandey 2024): the six <c>gzipscale-*</c> datasets, named after their gzip
/// compressibility, plus two series that vary the grammar while holding the vocabulary or the compressibility.
/// </summary>
public static class GrammarPresets
{
    /// <summary>Group of the six datasets of the study.</summary>
    public const string StudyGroup = "study";

    /// <summary>Group of the series with 300 terminals and growing grammars.</summary>
    public const string IsoVocabularyGroup = "iso-vocabulary";

    /// <summary>Group of the series of different grammars with similar gzip compressibility.</summary>
    public const string EqualCompressibilityGroup = "equal-compressibility";

    /// <summary>The six datasets of the study, in order of gzip compressibility (0.11 to 0.61).</summary>
    public static IReadOnlyList<GrammarPreset> Study { get; } =
    [
        StudyPreset("0.11", 3, 20, 2, 2),
        StudyPreset("0.22", 10, 150, 5, 3),
        StudyPreset("0.35", 20, 300, 10, 5),
        StudyPreset("0.42", 30, 400, 10, 8),
        StudyPreset("0.51", 50, 500, 20, 15),
        StudyPreset("0.61", 100, 2000, 100, 30),
    ];

    /// <summary>Every preset: the study's six, then the iso-vocabulary and equal-compressibility series.</summary>
    public static IReadOnlyList<GrammarPreset> All { get; } =
    [
        .. Study,
        IsoVocabulary(3, 300, 2, 2),
        IsoVocabulary(10, 300, 5, 3),
        IsoVocabulary(20, 300, 10, 5),
        IsoVocabulary(50, 300, 20, 10),
        EqualCompressibility(10, 500, 5, 10),
        EqualCompressibility(20, 300, 10, 5),
        EqualCompressibility(30, 200, 15, 20),
        EqualCompressibility(50, 100, 30, 15),
    ];

    /// <summary>
    /// Finds a preset by name (case-insensitive, for example <c>gzipscale-0.35</c>) or by the slug of its spec
    /// (<c>20_300_10_5</c>, or <c>(20,300,10,5)</c>); a slug shared by several presets gives the first in
    /// <see cref="All"/> (they have the same spec).
    /// </summary>
    /// <exception cref="UserInputException">No preset has that name or spec; the message lists the names.</exception>
    public static GrammarPreset Get(string nameOrSlug)
    {
        ArgumentNullException.ThrowIfNull(nameOrSlug);
        var key = nameOrSlug.Trim();
        foreach (var preset in All)
        {
            if (string.Equals(preset.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return preset;
            }
        }

        var slug = key.StartsWith('(') && key.EndsWith(')') ? key[1..^1].Replace(',', '_').Replace(" ", string.Empty, StringComparison.Ordinal) : key;
        foreach (var preset in All)
        {
            if (string.Equals(preset.Spec.ToSlug(), slug, StringComparison.Ordinal))
            {
                return preset;
            }
        }

        var names = string.Join(", ", All.Select(p => p.Name));
        throw new UserInputException($"Unknown grammar preset '{nameOrSlug}'; known presets: {names} (or a slug such as 20_300_10_5).");
    }

    private static GrammarPreset StudyPreset(string gzip, int n, int t, int o, int l) =>
        new(
            "gzipscale-" + gzip,
            StudyGroup,
            new GrammarSpec(n, t, o, l),
            $"Study dataset with gzip compressibility about {gzip} (Pandey 2024).");

    private static GrammarPreset IsoVocabulary(int n, int t, int o, int l)
    {
        var spec = new GrammarSpec(n, t, o, l);
        return new(
            "isovocab-" + spec.ToSlug(),
            IsoVocabularyGroup,
            spec,
            string.Create(CultureInfo.InvariantCulture, $"Iso-vocabulary series: {t} terminals, grammar size grown to {n} nonterminals."));
    }

    private static GrammarPreset EqualCompressibility(int n, int t, int o, int l)
    {
        var spec = new GrammarSpec(n, t, o, l);
        return new(
            "equalgzip-" + spec.ToSlug(),
            EqualCompressibilityGroup,
            spec,
            "Equal-compressibility series: a different grammar shape with gzip compressibility close to the others.");
    }
}
