using System.Text;

namespace PcfgLab.Sweeps;

/// <summary>
/// A trainer command line with placeholders, for example
/// <c>python3 src/trainers/torch/train_cell.py --plan {plan} --cell {cell} --results {results}</c>. Words are split
/// like a POSIX shell splits them (spaces; single and double quotes; backslash escapes outside single quotes) and
/// each word's placeholders are replaced, so paths with spaces need no extra quoting. No shell runs the command.
/// </summary>
public sealed class TrainerCommand
{
    /// <summary>The placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["{cell}", "{plan}", "{results}", "{cell_id}", "{dataset}"];

    private readonly string[] _words;

    /// <summary>Parses <paramref name="template"/>; throws <see cref="UserInputException"/> when it is empty, has an open quote or uses no <c>{cell}</c>.</summary>
    public TrainerCommand(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Template = template;
        _words = Split(template);
        if (_words.Length == 0)
        {
            throw UserInputException.ForParameters($"{new Parameter("TrainerCommand.template")} is empty: give a command such as \"python3 src/trainers/torch/train_cell.py --plan {{plan}} --cell {{cell}} --results {{results}}\".");
        }

        if (!template.Contains("{cell}", StringComparison.Ordinal) && !template.Contains("{cell_id}", StringComparison.Ordinal))
        {
            throw UserInputException.ForParameters($"{new Parameter("TrainerCommand.template")} must contain {{cell}} (the cell index) or {{cell_id}}, or every cell would run the same command.");
        }
    }

    /// <summary>The template as given.</summary>
    public string Template { get; }

    /// <summary>
    /// The program and arguments for <paramref name="cell"/>. Placeholders are replaced in one pass over the template,
    /// so a value that itself contains <c>{dataset}</c> (a plan path, say) reaches the trainer as it is.
    /// </summary>
    public IReadOnlyList<string> Expand(PlanCell cell, string planPath, string resultsPath)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(planPath);
        ArgumentNullException.ThrowIfNull(resultsPath);
        string[] values = [cell.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), planPath, resultsPath, cell.CellId, cell.Dataset];
        var words = new string[_words.Length];
        var text = new StringBuilder();
        for (var w = 0; w < _words.Length; w++)
        {
            var word = _words[w];
            text.Clear();
            for (var i = 0; i < word.Length;)
            {
                var matched = -1;
                if (word[i] == '{')
                {
                    for (var p = 0; p < Placeholders.Count; p++)
                    {
                        if (string.CompareOrdinal(word, i, Placeholders[p], 0, Placeholders[p].Length) == 0)
                        {
                            matched = p;
                            break;
                        }
                    }
                }

                if (matched < 0)
                {
                    text.Append(word[i]);
                    i++;
                }
                else
                {
                    text.Append(values[matched]);
                    i += Placeholders[matched].Length;
                }
            }

            words[w] = text.ToString();
        }

        return words;
    }

    /// <summary>Splits a command line into words the way a POSIX shell would (without expansions).</summary>
    internal static string[] Split(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                {
                    current.Append(line[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < line.Length)
                {
                    current.Append(line[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        if (quote != '\0')
        {
            throw UserInputException.ForParameters($"{new Parameter("TrainerCommand.template")} has an unclosed {quote} quote: close it.");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words.ToArray();
    }
}
