using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class DatasetManifestTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pcfglab-manifest-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_manifest_survives_a_round_trip_through_its_file()
    {
        var manifest = new DatasetManifest
        {
            CreatedAt = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero),
            Parameters = new Dictionary<string, string> { ["tokens"] = "10M" },
            Spec = "(20,300,10,5)",
            Seed = new(1),
            DocumentLength = 256,
            Documents = 2,
            Tokens = 512,
            DatasetDocuments = 2,
            ShardCount = 1,
            Shards = [new ShardEntry("train-00000-of-00001.parquet", 0, 0, 2, 512, 999)],
            Gzip = new GzipEntry(0.37, 0.01, 0.371, 0.35, 0.39, 2, 0, "regenerated"),
            Floor = new FloorEntry(1.1, 0.002, 1.096, 1.104, 1.587, 0.21, 1000, 1.11, 0.0001, 1.6, 0.2102, 1.12, 5.02, 3.5, 20000, -0.01, 199, 0.8),
        };
        var path = Path.Combine(_folder.FullName, DatasetManifest.FileName);
        manifest.Save(path);
        var loaded = DatasetManifest.Load(_folder.FullName);
        Assert.Equal(manifest.Shards, loaded.Shards);
        Assert.Equal(manifest.Gzip, loaded.Gzip);
        Assert.Equal(manifest.Floor, loaded.Floor);
        Assert.Equal("10M", loaded.Parameters["tokens"]);
        Assert.Equal(manifest.CreatedAt, loaded.CreatedAt);
        Assert.Contains("\"gzip\"", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder.FullName)); // no temporary file left
    }

    [Fact]
    public void Missing_or_malformed_manifests_are_user_errors()
    {
        Assert.Throws<UserInputException>(() => DatasetManifest.Load(Path.Combine(_folder.FullName, "nope")));
        File.WriteAllText(Path.Combine(_folder.FullName, DatasetManifest.FileName), "{ not json");
        Assert.Throws<UserInputException>(() => DatasetManifest.Load(_folder.FullName));
    }

    [Fact]
    public void Shard_manifest_names_follow_the_shard_files()
    {
        Assert.Equal("dataset.train-00003-of-00016.json", DatasetManifest.ShardManifestFileName(3, 16));
    }

    [Fact]
    public void MergeFolder_of_a_missing_folder_or_one_without_parts_is_a_user_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pcfglab-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<UserInputException>(() => DatasetManifest.MergeFolder(missing, "test"));
        Assert.Equal($"'{missing}' is not a folder: give the dataset folder of the split run.", ex.Message);

        var empty = Directory.CreateTempSubdirectory("pcfglab-merge-empty-");
        try
        {
            Assert.Throws<UserInputException>(() => DatasetManifest.MergeFolder(empty.FullName, "test"));
            Assert.False(File.Exists(Path.Combine(empty.FullName, DatasetManifest.FileName)));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
