using System.Globalization;

namespace PcfgLab.Tests.Sweeps;

/// <summary>Dataset folders for sweep tests: a <c>dataset.json</c> in the layout <c>pcfglab generate</c> writes.</summary>
internal static class SweepTestData
{
    /// <summary>The study's six presets with the gzip medians measured for seed 1 (shared/reference/README.md) and their terminal counts.</summary>
    public static IReadOnlyList<(string Name, double H, int Terminals)> StudyDatasets { get; } =
    [
        ("gzipscale-0.11", 0.1133, 20),
        ("gzipscale-0.22", 0.2422, 150),
        ("gzipscale-0.35", 0.3760, 300),
        ("gzipscale-0.42", 0.4102, 400),
        ("gzipscale-0.51", 0.5073, 500),
        ("gzipscale-0.61", 0.6094, 2000),
    ];

    /// <summary>Writes <c>root/name/dataset.json</c> describing a dataset of <paramref name="tokens"/> tokens and returns the folder.</summary>
    public static string WriteManifest(string root, string name, double h, long tokens, int terminals)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        var documents = tokens / 256;
        var json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "tool": "pcfglab",
              "toolVersion": "test",
              "spec": "(10,{{terminals}},5,3)",
              "seed": 1,
              "documentLength": 256,
              "documents": {{documents}},
              "tokens": {{tokens}},
              "gzip": { "median": {{h}}, "stdev": 0.01, "mean": {{h}}, "p05": {{h - 0.02}}, "p95": {{h + 0.02}}, "count": 1000, "sampleSeed": 1, "source": "test" }
            }
            """);
        File.WriteAllText(Path.Combine(folder, "dataset.json"), json);
        return folder;
    }

    /// <summary>Writes the six study datasets' manifests under <paramref name="root"/> and returns their folders.</summary>
    public static string[] WriteStudyManifests(string root, long tokens) =>
        StudyDatasets.Select(d => WriteManifest(root, d.Name, d.H, tokens, d.Terminals)).ToArray();
}
