using System.Text;
using System.Text.Json;

namespace PcfgLab.Compression.Corpora;

/// <summary>
/// JSON Lines files (a file, or every <c>*.jsonl</c>/<c>*.ndjson</c> file under a folder): each line is one
/// JSON object and its string field (<c>text</c> by default) one document. Blank lines are ignored; a record
/// without the field, or whose field is not a string, is skipped and counted; a line that is not JSON is an error.
/// </summary>
public sealed class JsonLinesCorpusSource : CorpusSource
{
    /// <summary>The default text field.</summary>
    public const string DefaultField = "text";

    private readonly string _field;
    private readonly FileWalker _walker;

    /// <summary>Creates a source reading field <paramref name="field"/> of the records under <paramref name="path"/>.</summary>
    public JsonLinesCorpusSource(string path, string field = DefaultField, IEnumerable<string>? includes = null, IEnumerable<string>? excludes = null)
        : base(path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        _field = field;
        var patterns = includes?.ToList() is { Count: > 0 } given ? given : ["*.jsonl", "*.ndjson", "*.jsonl.txt"];
        _walker = new FileWalker(patterns, excludes);
    }

    /// <inheritdoc/>
    public override string Description => "jsonl " + _field;

    /// <inheritdoc/>
    public override bool HasTokens => false;

    /// <inheritdoc/>
    public override long TotalBytes => _walker.Files(Path).Sum(f => f.Length);

    /// <inheritdoc/>
    public override async Task ReadAsync(ICorpusSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        foreach (var file in _walker.Files(Path))
        {
            using var reader = new StreamReader(file.FullName, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var lineNumber = 0;
            long reported = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                var position = reader.BaseStream.Position;
                if (position > reported)
                {
                    sink.BytesRead(position - reported);
                    reported = position;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonDocument record;
                try
                {
                    record = JsonDocument.Parse(line);
                }
                catch (JsonException ex)
                {
                    throw new UserInputException($"{file.FullName} line {lineNumber} is not JSON ({ex.Message}); each line must be one JSON object.", ex);
                }

                using (record)
                {
                    if (record.RootElement.ValueKind == JsonValueKind.Object
                        && record.RootElement.TryGetProperty(_field, out var value)
                        && value.ValueKind == JsonValueKind.String)
                    {
                        sink.AppendText(value.GetString());
                        sink.EndDocument();
                    }
                    else
                    {
                        sink.Skipped($"{file.FullName}:{lineNumber}", $"no string field '{_field}'");
                    }
                }
            }
        }
    }
}
