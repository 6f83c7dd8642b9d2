using System.Globalization;
using System.Text;

namespace PcfgLab.Grammars;

/// <summary>
/// Reads and writes PCFGs in NLTK's text format (<c>nltk.PCFG.fromstring</c>), one line per left-hand side:
/// <c>N3 -&gt; N1 '17' [0.25] | '4' [0.75]</c>. The start symbol's rules come first, because NLTK takes the first
/// left-hand side as the start symbol. Probabilities are written in Python's <c>repr</c> form (shortest digits that
/// read back to the same double) but never in exponent form, which NLTK's reader rejects (<c>9.65e-05</c>).
/// A comment header records the tool, and for random grammars the spec, seed and first terminal id.
/// </summary>
/// <remarks>
/// Reading accepts hand-written grammars: <c>#</c> comments, blank lines, continuation lines that start with
/// <c>|</c> or follow a line ending in <c>\</c>, terminals in single or double quotes, several lines for the same
/// left-hand side (merged in order), empty right-hand sides and NLTK's <c>%start X</c> directive. Exponent-form
/// probabilities are accepted on reading so that the reference's own dumps load. Nonterminals are numbered in
/// order of first appearance as a left-hand side, then those that appear only on right-hand sides.
/// </remarks>
public static class NltkGrammarFormat
{
    /// <summary>NLTK's tolerance on the sum of each left-hand side's probabilities (<c>PCFG.EPSILON</c>).</summary>
    public const double SumTolerance = 1e-6;

    /// <summary>Vocabulary entry of token id 0 when terminals are words: the sentence separator.</summary>
    public const string SeparatorText = "<sep>";

    private const string ToolKey = "tool";
    private const string SpecKey = "spec";
    private const string SeedKey = "seed";
    private const string FirstTerminalIdKey = "first-terminal-id";

    /// <summary>Writes <paramref name="grammar"/> with its comment header.</summary>
    /// <exception cref="ArgumentException">A name or terminal text cannot be written in NLTK's format, or a probability is not finite.</exception>
    public static void Write(Grammar grammar, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentNullException.ThrowIfNull(writer);
        var names = new string[grammar.NonterminalCount];
        for (var a = 0; a < names.Length; a++)
        {
            names[a] = grammar.NonterminalName(a);
            if (!IsValidNonterminalName(names[a]))
            {
                throw new ArgumentException($"Nonterminal name '{names[a]}' cannot be written in NLTK's format: use letters, digits and _ / ^ < > - (not starting with ^ < > -).", nameof(grammar));
            }
        }

        var terminalTexts = new Dictionary<int, string>();
        foreach (var id in grammar.TerminalIds())
        {
            terminalTexts[id] = QuoteTerminal(grammar.TerminalText(id));
        }

        writer.Write("# PCFG in NLTK's format (nltk.PCFG.fromstring); the first left-hand side is the start symbol.\n");
        writer.Write($"# {ToolKey}: {ToolInfo.Name} {ToolInfo.Version}\n");
        if (grammar.Origin is { } origin)
        {
            writer.Write($"# {SpecKey}: {origin.Spec}\n");
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"# {SeedKey}: {origin.Seed}\n"));
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"# {FirstTerminalIdKey}: {origin.FirstTerminalId}\n"));
        }

        var line = new StringBuilder();
        WriteLhs(grammar.Start);
        for (var a = 0; a < grammar.NonterminalCount; a++)
        {
            if (a != grammar.Start)
            {
                WriteLhs(a);
            }
        }

        void WriteLhs(int a)
        {
            var rules = grammar.RulesOf(a);
            if (rules.Count == 0)
            {
                // NLTK has no way to say "A has no rules"; A still exists wherever a right-hand side names it.
                return;
            }

            line.Clear();
            line.Append(names[a]).Append(" ->");
            for (var r = 0; r < rules.Count; r++)
            {
                if (r > 0)
                {
                    line.Append(" |");
                }

                foreach (var code in rules[r].Rhs)
                {
                    line.Append(' ').Append(SymbolCode.IsNonterminal(code) ? names[SymbolCode.NonterminalIndex(code)] : terminalTexts[code]);
                }

                line.Append(" [").Append(FormatProbability(rules[r].Probability)).Append(']');
            }

            line.Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>Writes <paramref name="grammar"/> to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    public static void Save(Grammar grammar, string path)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new UserInputException($"Cannot write '{path}': folder '{directory}' does not exist; create it first.");
        }

        AtomicFile.WriteStream(full, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
            Write(grammar, writer);
        });
    }

    /// <summary>Reads a grammar file; errors name the file, line and column.</summary>
    /// <exception cref="UserInputException">The file does not exist or is not a valid grammar.</exception>
    public static Grammar Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new UserInputException($"Grammar file '{path}' does not exist; give the path of an NLTK PCFG file (see grammars/).");
        }

        // Strict UTF-8 (as NLTK reads grammars): a lenient decoder would turn every invalid byte into U+FFFD and
        // merge distinct terminals into one.
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            return Read(reader, path);
        }
        catch (DecoderFallbackException ex)
        {
            throw new UserInputException($"Grammar file '{path}' is not valid UTF-8 text: save it as UTF-8 (terminals that differ only in invalid bytes could not be told apart).", ex);
        }
    }

    /// <summary>Reads a grammar in NLTK's PCFG format.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">File name used in error messages, when there is one.</param>
    /// <exception cref="UserInputException">The text is not a valid grammar; the one-line message says where and what was expected.</exception>
    public static Grammar Read(TextReader reader, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new Parser(Lexer.Tokenize(reader, sourceName), sourceName).Parse();
    }

    /// <summary>
    /// Python's <c>repr</c> of a double, but in plain decimal where Python would use an exponent: the shortest
    /// digits that parse back to the same double, for example <c>0.25</c>, <c>1.0</c>, <c>0.0000965</c>.
    /// </summary>
    internal static string FormatProbability(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"A rule probability must be finite, got {value.ToString(CultureInfo.InvariantCulture)}.", nameof(value));
        }

        // "R" is the shortest round-trip form since .NET Core 3.0, as Python's repr.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        var negative = text[0] == '-';
        var mantissa = text[(negative ? 1 : 0)..e];
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var position = (point < 0 ? mantissa.Length : point) + exponent;
        var plain = new StringBuilder(digits.Length + Math.Abs(exponent) + 4);
        if (negative)
        {
            plain.Append('-');
        }

        if (position <= 0)
        {
            plain.Append("0.").Append('0', -position).Append(digits);
        }
        else if (position >= digits.Length)
        {
            plain.Append(digits).Append('0', position - digits.Length).Append(".0");
        }
        else
        {
            plain.Append(digits, 0, position).Append('.').Append(digits, position, digits.Length - position);
        }

        return plain.ToString();
    }

    /// <summary>NLTK's nonterminal pattern <c>[\w/][\w/^&lt;&gt;-]*</c>.</summary>
    internal static bool IsValidNonterminalName(string name)
    {
        if (string.IsNullOrEmpty(name) || !IsNameStart(name[0]))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (!IsNamePart(name[i]))
            {
                return false;
            }
        }

        // The reader stops a name before "->" so that "A->B" reads as a rule.
        return !name.Contains("->", StringComparison.Ordinal);
    }

    private static bool IsNameStart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '/';

    private static bool IsNamePart(char c) => IsNameStart(c) || c is '^' or '<' or '>' or '-';

    private static string QuoteTerminal(string text)
    {
        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("A terminal containing a line break cannot be written in NLTK's format.", nameof(text));
        }

        if (!text.Contains('\'', StringComparison.Ordinal))
        {
            return "'" + text + "'";
        }

        if (!text.Contains('"', StringComparison.Ordinal))
        {
            return "\"" + text + "\"";
        }

        throw new ArgumentException($"Terminal {text} contains both quote characters, which NLTK's format cannot express.", nameof(text));
    }

    private static string Where(string? sourceName, int line, int column) =>
        sourceName is null
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}")
            : string.Create(CultureInfo.InvariantCulture, $"{sourceName}:{line}:{column}");

    private enum TokenKind
    {
        Name,
        Arrow,
        Bar,
        Terminal,
        Probability,
        StartDirective,
        EndOfLine,
        EndOfInput,
    }

    private readonly record struct Token(TokenKind Kind, string Text, double Value, int Line, int Column);

    private sealed record Header(GrammarSpec? Spec, long? Seed, int? FirstTerminalId);

    private sealed class Lexer
    {
        private readonly string? _source;
        private readonly List<Token> _tokens = [];
        private GrammarSpec? _spec;
        private long? _seed;
        private int? _firstTerminalId;
        private bool _seenRule;
        private bool _seenToolLine;

        private Lexer(string? source) => _source = source;

        public static (List<Token> Tokens, Header Header) Tokenize(TextReader reader, string? source)
        {
            var lexer = new Lexer(source);
            var lineNumber = 0;
            var lastLine = 0;
            var lastLength = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                lexer.TokenizeLine(line, lineNumber);
                lastLine = lineNumber;
                lastLength = line.Length;
            }

            lexer._tokens.Add(new Token(TokenKind.EndOfInput, string.Empty, 0, Math.Max(lastLine, 1), lastLength + 1));
            return (lexer._tokens, new Header(lexer._spec, lexer._seed, lexer._firstTerminalId));
        }

        private UserInputException Error(int line, int column, string message) =>
            new($"{Where(_source, line, column)}: {message}");

        private void TokenizeLine(string line, int lineNumber)
        {
            var i = 0;
            var continued = false;
            var tokensBefore = _tokens.Count;
            while (i < line.Length)
            {
                var c = line[i];
                var column = i + 1;
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '#')
                {
                    if (!_seenRule && _tokens.Count == tokensBefore)
                    {
                        ReadHeaderComment(line, i, lineNumber);
                    }

                    break;
                }
                else if (c == '\\' && line.AsSpan(i + 1).IsWhiteSpace())
                {
                    continued = true;
                    break;
                }
                else if (c == '-' && i + 1 < line.Length && line[i + 1] == '>')
                {
                    _tokens.Add(new Token(TokenKind.Arrow, "->", 0, lineNumber, column));
                    i += 2;
                }
                else if (c == '|')
                {
                    _tokens.Add(new Token(TokenKind.Bar, "|", 0, lineNumber, column));
                    i++;
                }
                else if (c is '\'' or '"')
                {
                    var close = line.IndexOf(c, i + 1);
                    if (close < 0)
                    {
                        throw Error(lineNumber, column, $"unterminated terminal: expected a closing {c} on the same line");
                    }

                    _tokens.Add(new Token(TokenKind.Terminal, line[(i + 1)..close], 0, lineNumber, column));
                    i = close + 1;
                }
                else if (c == '[')
                {
                    var close = line.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        throw Error(lineNumber, column, "unterminated probability: expected a closing ] on the same line");
                    }

                    var text = line[(i + 1)..close].Trim();
                    if (!TryParseProbability(text, out var value))
                    {
                        throw Error(lineNumber, column, $"expected a probability like [0.25], got [{text}]");
                    }

                    if (value > 1.0)
                    {
                        throw Error(lineNumber, column, $"probability {text} is greater than 1");
                    }

                    _tokens.Add(new Token(TokenKind.Probability, text, value, lineNumber, column));
                    i = close + 1;
                }
                else if (c == '%')
                {
                    var end = i + 1;
                    while (end < line.Length && char.IsLetter(line[end]))
                    {
                        end++;
                    }

                    var directive = line[(i + 1)..end];
                    if (directive != "start")
                    {
                        throw Error(lineNumber, column, $"unknown directive %{directive}; only %start is supported");
                    }

                    _tokens.Add(new Token(TokenKind.StartDirective, "%start", 0, lineNumber, column));
                    i = end;
                }
                else if (IsNameStart(c))
                {
                    var end = i + 1;
                    while (end < line.Length && IsNamePart(line[end]) && !(line[end] == '-' && end + 1 < line.Length && line[end + 1] == '>'))
                    {
                        end++;
                    }

                    _tokens.Add(new Token(TokenKind.Name, line[i..end], 0, lineNumber, column));
                    i = end;
                }
                else
                {
                    throw Error(lineNumber, column, $"unexpected character '{c}': expected a nonterminal name, a quoted terminal, '->', '|' or a probability like [0.5]");
                }
            }

            if (_tokens.Count > tokensBefore)
            {
                _seenRule = true;
            }

            if (!continued && _tokens.Count > 0 && _tokens[^1].Kind != TokenKind.EndOfLine)
            {
                _tokens.Add(new Token(TokenKind.EndOfLine, string.Empty, 0, lineNumber, line.Length + 1));
            }
        }

        private static bool TryParseProbability(string text, out double value)
        {
            value = 0;
            if (text.Length == 0 || !(char.IsAsciiDigit(text[0]) || text[0] == '.'))
            {
                return false;
            }

            foreach (var c in text)
            {
                if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
                {
                    return false;
                }
            }

            return double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value);
        }

        // Header lines of the leading comment block: "# spec: (20,300,10,5)", "# seed: 1", "# first-terminal-id: 1",
        // recognised after a "# tool: pcfglab ..." line so that a hand-written "# seed: ..." remark is just a comment.
        private void ReadHeaderComment(string line, int hash, int lineNumber)
        {
            var body = line.AsSpan(hash + 1).Trim();
            var colon = body.IndexOf(':');
            if (colon < 0)
            {
                return;
            }

            var key = body[..colon].Trim().ToString();
            var value = body[(colon + 1)..].Trim().ToString();
            var column = hash + 1;
            if (key == ToolKey && value.StartsWith(ToolInfo.Name + " ", StringComparison.Ordinal))
            {
                _seenToolLine = true;
                return;
            }

            if (!_seenToolLine)
            {
                return;
            }

            switch (key)
            {
                case SpecKey:
                    _spec = ParseSpec(value) ?? throw Error(lineNumber, column, $"expected a spec like (20,300,10,5) after '# {SpecKey}:', got '{value}'");
                    break;
                case SeedKey:
                    _seed = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed)
                        ? seed
                        : throw Error(lineNumber, column, $"expected an integer seed after '# {SeedKey}:', got '{value}'");
                    break;
                case FirstTerminalIdKey:
                    _firstTerminalId = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                        ? first
                        : throw Error(lineNumber, column, $"expected a non-negative integer after '# {FirstTerminalIdKey}:', got '{value}'");
                    break;
                default:
                    break;
            }
        }

        private static GrammarSpec? ParseSpec(string value)
        {
            if (value.Length < 2 || value[0] != '(' || value[^1] != ')')
            {
                return null;
            }

            var parts = value[1..^1].Split(',');
            if (parts.Length != 4)
            {
                return null;
            }

            var numbers = new int[4];
            for (var k = 0; k < 4; k++)
            {
                if (!int.TryParse(parts[k].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out numbers[k]) || numbers[k] < 1)
                {
                    return null;
                }
            }

            return new GrammarSpec(numbers[0], numbers[1], numbers[2], numbers[3]);
        }
    }

    private sealed class Parser((List<Token> Tokens, Header Header) lexed, string? source)
    {
        private readonly List<Token> _tokens = lexed.Tokens;
        private readonly Header _header = lexed.Header;
        private readonly string? _source = source;
        private readonly List<RawRule> _rules = [];
        private int _position;

        private Token Current => _tokens[_position];

        public Grammar Parse()
        {
            string? lastLhs = null;
            Token? startName = null;
            while (Current.Kind != TokenKind.EndOfInput)
            {
                var token = Current;
                switch (token.Kind)
                {
                    case TokenKind.EndOfLine:
                        _position++;
                        break;
                    case TokenKind.StartDirective:
                        _position++;
                        startName = Expect(TokenKind.Name, "expected a nonterminal name after %start");
                        ExpectEndOfLine("expected the end of the line after %start NAME");
                        break;
                    case TokenKind.Name:
                        _position++;
                        Expect(TokenKind.Arrow, $"expected '->' after the left-hand side {token.Text}");
                        lastLhs = token.Text;
                        ParseAlternatives(lastLhs);
                        break;
                    case TokenKind.Bar when lastLhs is not null:
                        _position++;
                        ParseAlternatives(lastLhs);
                        break;
                    case TokenKind.Bar:
                        throw Error(token, "a line starting with '|' continues a rule, but no rule comes before it");
                    default:
                        throw Error(token, $"expected a nonterminal name starting a rule (like S -> NP VP [1.0]), got {Describe(token)}");
                }
            }

            if (_rules.Count == 0)
            {
                // Named at the end of the input, like every other error of the reader: where a rule was still expected.
                throw Error(Current, "no rules found; expected lines like S -> NP VP [1.0]");
            }

            return Build(startName);
        }

        private void ParseAlternatives(string lhs)
        {
            while (true)
            {
                var first = Current;
                var symbols = new List<(bool IsTerminal, string Text)>();
                while (Current.Kind is TokenKind.Name or TokenKind.Terminal)
                {
                    symbols.Add((Current.Kind == TokenKind.Terminal, Current.Text));
                    _position++;
                }

                var probability = Expect(TokenKind.Probability, "expected a probability like [0.5] after the right-hand side");
                _rules.Add(new RawRule(lhs, symbols, probability.Value, first.Line, first.Column));
                if (Current.Kind == TokenKind.Bar)
                {
                    _position++;
                    continue;
                }

                ExpectEndOfLine("expected '|' or the end of the line after the probability");
                return;
            }
        }

        private Token Expect(TokenKind kind, string message)
        {
            var token = Current;
            if (token.Kind != kind)
            {
                throw Error(token, $"{message}, got {Describe(token)}");
            }

            _position++;
            return token;
        }

        private void ExpectEndOfLine(string message)
        {
            if (Current.Kind is TokenKind.EndOfLine or TokenKind.EndOfInput)
            {
                return;
            }

            throw Error(Current, $"{message}, got {Describe(Current)}");
        }

        private static string Describe(Token token) => token.Kind switch
        {
            TokenKind.Name => $"nonterminal {token.Text}",
            TokenKind.Arrow => "'->'",
            TokenKind.Bar => "'|'",
            TokenKind.Terminal => $"terminal '{token.Text}'",
            TokenKind.Probability => $"probability [{token.Text}]",
            TokenKind.StartDirective => "%start",
            TokenKind.EndOfLine => "the end of the line",
            _ => "the end of the input",
        };

        private UserInputException Error(Token token, string message) =>
            new($"{Where(_source, token.Line, token.Column)}: {message}");

        private Grammar Build(Token? startName)
        {
            // Nonterminal indices: first appearance as a left-hand side, then right-hand-side-only names.
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (var rule in _rules)
            {
                if (index.TryAdd(rule.Lhs, names.Count))
                {
                    names.Add(rule.Lhs);
                }
            }

            foreach (var rule in _rules)
            {
                foreach (var (isTerminal, text) in rule.Symbols)
                {
                    if (!isTerminal && index.TryAdd(text, names.Count))
                    {
                        names.Add(text);
                    }
                }
            }

            var start = 0;
            if (startName is { } s)
            {
                if (!index.TryGetValue(s.Text, out start))
                {
                    throw Error(s, $"start symbol {s.Text} appears in no rule");
                }

                // A start symbol without rules of its own derives nothing, and the writer (which names the start
                // by putting its rules first) could not keep it: found by fuzzing, where such a grammar came back
                // with another start symbol.
                if (!_rules.Exists(r => r.Lhs == s.Text))
                {
                    throw Error(s, $"start symbol {s.Text} has no rules of its own (it only appears on right-hand sides); add a rule {s.Text} -> ... or start from another symbol");
                }
            }

            var (terminalIds, vocabulary) = AssignTerminalIds();
            var rules = new List<Production>[names.Count];
            var sums = new double[names.Count];
            var firstLine = new int[names.Count];
            for (var a = 0; a < rules.Length; a++)
            {
                rules[a] = [];
            }

            foreach (var rule in _rules)
            {
                var lhs = index[rule.Lhs];
                var rhs = new int[rule.Symbols.Count];
                for (var k = 0; k < rhs.Length; k++)
                {
                    var (isTerminal, text) = rule.Symbols[k];
                    rhs[k] = isTerminal ? SymbolCode.Terminal(terminalIds[text]) : SymbolCode.Nonterminal(index[text]);
                }

                if (rules[lhs].Count == 0)
                {
                    firstLine[lhs] = rule.Line;
                }

                rules[lhs].Add(new Production(lhs, rhs, rule.Probability));
                sums[lhs] += rule.Probability;
            }

            for (var a = 0; a < rules.Length; a++)
            {
                if (rules[a].Count > 0 && !(Math.Abs(sums[a] - 1.0) < SumTolerance))
                {
                    var sum = sums[a].ToString("R", CultureInfo.InvariantCulture);
                    throw new UserInputException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{Where(_source, firstLine[a], 1)}: probabilities of {names[a]} sum to {sum}; expected 1 within {SumTolerance} (NLTK's rule)"));
                }
            }

            GrammarOrigin? origin = _header is { Spec: { } spec, Seed: { } seed, FirstTerminalId: { } firstId }
                ? new GrammarOrigin(spec, seed, firstId)
                : null;
            return new Grammar(names, start, rules, vocabulary, origin);
        }

        private (Dictionary<string, int> Ids, string[]? Vocabulary) AssignTerminalIds()
        {
            var texts = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var numeric = true;
            foreach (var rule in _rules)
            {
                foreach (var (isTerminal, text) in rule.Symbols)
                {
                    if (isTerminal && seen.Add(text))
                    {
                        texts.Add(text);
                        numeric &= IsCanonicalTokenId(text);
                    }
                }
            }

            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            if (numeric)
            {
                foreach (var text in texts)
                {
                    ids[text] = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
                }

                return (ids, null);
            }

            // Words: ids 1..k in order of first appearance; id 0 stays the sentence separator.
            var vocabulary = new string[texts.Count + 1];
            vocabulary[0] = SeparatorText;
            for (var k = 0; k < texts.Count; k++)
            {
                ids[texts[k]] = k + 1;
                vocabulary[k + 1] = texts[k];
            }

            return (ids, vocabulary);
        }

        // "0", "17", not "017" or "+3": the text must be the id's own decimal form so that writing restores it.
        private static bool IsCanonicalTokenId(string text) =>
            text.Length is > 0 and <= 10
            && (text == "0" || (text[0] != '0' && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0))
            && long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) < int.MaxValue;

        private sealed record RawRule(string Lhs, List<(bool IsTerminal, string Text)> Symbols, double Probability, int Line, int Column);
    }
}
