namespace PcfgLab.Storage;

/// <summary>The dial's search as recorded in a dataset manifest or printed as JSON.</summary>
/// <param name="Target">Target median gzip ratio.</param>
/// <param name="Tolerance">Accepted distance.</param>
/// <param name="Median">Median of the chosen grammar.</param>
/// <param name="Spec">Chosen spec, study notation.</param>
/// <param name="GrammarSeed">Chosen grammar seed.</param>
/// <param name="DocumentsPerCandidate">Documents sampled per candidate.</param>
/// <param name="Seconds">Search time.</param>
/// <param name="Candidates">Every candidate, in order.</param>
/// <param name="Deflate">Deflate implementation of the medians (<c>zlib-ng</c> or <c>zlib</c>; see Compression.DeflateImplementations).</param>
/// <param name="Measure"><c>dataset-sample</c> when candidates were measured on the dataset's own gzip sample,
/// <c>first-documents</c> when on documents 0..n-1.</param>
public sealed record DialEntry(double Target, double Tolerance, double Median, string Spec, Seed GrammarSeed, int DocumentsPerCandidate, double Seconds, IReadOnlyList<DialCandidateEntry> Candidates, string Deflate = "zlib-ng", string Measure = "first-documents")
{
    /// <summary>The search as <c>pcfglab grammar search --json</c> prints it, in <see cref="JsonConvention"/>.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, ManifestJsonContext.Convention.DialEntry);
}

/// <summary>One candidate of a <see cref="DialEntry"/>.</summary>
/// <param name="Spec">Spec, study notation.</param>
/// <param name="Seed">Grammar seed.</param>
/// <param name="Median">Median gzip ratio, or null when rejected.</param>
/// <param name="Status"><c>measured</c> or why it was rejected.</param>
public sealed record DialCandidateEntry(string Spec, Seed Seed, double? Median, string Status);
