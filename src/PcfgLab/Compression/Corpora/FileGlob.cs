using System.Text;
using System.Text.RegularExpressions;

namespace PcfgLab.Compression.Corpora;

/// <summary>
/// A file-name pattern such as <c>*.py</c>, <c>test_*</c> or <c>**/tests/**</c>: <c>*</c> matches within one
/// path segment, <c>**</c> across segments, <c>?</c> one character. A pattern without '/' is matched against the
/// file (or folder) name, one with '/' against the path relative to the corpus root, with '/' separators.
/// </summary>
internal sealed class FileGlob
{
    private readonly Regex _regex;
    private readonly bool _matchesPath;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    public FileGlob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        _matchesPath = pattern.Contains('/', StringComparison.Ordinal);
        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" also matches no folder at all.
                if (i + 2 < pattern.Length && pattern[i + 2] == '/')
                {
                    builder.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    builder.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
            {
                builder.Append("[^/]*");
            }
            else if (c == '?')
            {
                builder.Append("[^/]");
            }
            else
            {
                builder.Append(Regex.Escape(c.ToString()));
            }
        }

        builder.Append('$');
        _regex = new Regex(builder.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>True when the pattern applies to the relative path (it has a '/').</summary>
    public bool MatchesPath => _matchesPath;

    /// <summary>Whether the entry with this name and root-relative path ('/' separators) matches.</summary>
    public bool IsMatch(string name, string relativePath) => _regex.IsMatch(_matchesPath ? relativePath : name);
}
