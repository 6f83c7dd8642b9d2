using System.Text.Json.Nodes;

namespace PcfgLab.Tests.TestSupport;

/// <summary>A dataset's dataset.json without what differs between two runs of the same command: times and paths.</summary>
internal static class StableManifest
{
    /// <summary>dataset.json of <paramref name="folder"/> without the time it was made, the output path and the timings.</summary>
    public static JsonObject Read(string folder)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "dataset.json")))!.AsObject();
        manifest.Remove("createdAt");
        manifest.Remove("generationSeconds");
        manifest.Remove("tokensPerSecond");
        manifest["parameters"]!.AsObject().Remove("out");
        manifest["floor"]?.AsObject().Remove("seconds");
        return manifest;
    }

    /// <summary>SHA-256 (hex) of <see cref="Read"/>'s JSON text.</summary>
    public static string Hash(string folder) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Read(folder).ToJsonString())));
}
