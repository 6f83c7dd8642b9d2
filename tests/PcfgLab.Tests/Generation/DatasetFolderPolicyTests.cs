using PcfgLab.Generation;
using PcfgLab.Storage;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Generation;

public sealed class DatasetFolderPolicyTests : IDisposable
{
    private static readonly DatasetLayout ThreeShards = DatasetLayout.For(3000, 100, 3, 5);
    private readonly TempFolder _root = new();

    public void Dispose() => _root.Dispose();

    private GenerationOptions Options(string name, int? shardIndex = null, bool force = false) =>
        new() { OutputFolder = Path.Combine(_root.Path, name), Tokens = 3000, ShardIndex = shardIndex, Force = force, Owner = "test" };

    private string Touch(string name, string file)
    {
        var folder = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, "x");
        return path;
    }

    [Fact]
    public void An_empty_folder_is_created_and_locked()
    {
        var options = Options("new");
        using (var held = DatasetFolderPolicy.Acquire(options, ThreeShards))
        {
            Assert.True(Directory.Exists(options.OutputFolder));
            Assert.Throws<UserInputException>(() => DatasetFolderPolicy.Acquire(options, ThreeShards));
        }

        DatasetFolderPolicy.Acquire(options, ThreeShards).Dispose();
    }

    [Theory]
    [InlineData("dataset.json")]
    [InlineData("train-00007-of-00009.parquet")]
    public void A_folder_holding_a_dataset_is_refused_without_force_and_left_unlocked(string file)
    {
        Touch("full", file);
        var options = Options("full");

        var error = Assert.Throws<UserInputException>(() => DatasetFolderPolicy.Acquire(options, ThreeShards));

        Assert.Equal($"'{options.OutputFolder}' already holds a dataset: add Force to replace it, or choose another OutputFolder.", error.Message);
        DatasetFolderPolicy.Acquire(options with { Force = true }, ThreeShards).Dispose();
    }

    [Fact]
    public void A_split_run_is_refused_only_by_its_own_files()
    {
        Touch("split", ParquetDatasetWriter.ShardFileName(0, 3));
        Touch("split", DatasetManifest.ShardManifestFileName(0, 3));
        DatasetFolderPolicy.Acquire(Options("split", shardIndex: 1), ThreeShards).Dispose();

        Touch("split", DatasetManifest.ShardManifestFileName(1, 3));
        var options = Options("split", shardIndex: 1);
        var error = Assert.Throws<UserInputException>(() => DatasetFolderPolicy.Acquire(options, ThreeShards));

        Assert.Equal($"'{options.OutputFolder}' already holds {DatasetManifest.ShardManifestFileName(1, 3)}: add Force to replace it, or choose another OutputFolder.", error.Message);
    }

    [Fact]
    public void Temporary_files_of_killed_runs_are_removed_and_reported()
    {
        var stale = Touch("killed", ".train-00000-of-00003.parquet.tmp-0123456789ab");
        (IReadOnlyList<string> Files, long Bytes)? reported = null;

        DatasetFolderPolicy.Acquire(Options("killed") with { StaleFilesRemoved = (files, bytes) => reported = (files, bytes) }, ThreeShards).Dispose();

        Assert.False(File.Exists(stale));
        Assert.Equal([stale], reported!.Value.Files);
        Assert.Equal(1, reported.Value.Bytes);
    }

    [Fact]
    public void A_forced_whole_run_removes_another_splits_shards_and_the_shard_manifests()
    {
        var mine = Touch("forced", ParquetDatasetWriter.ShardFileName(2, 3));
        var other = Touch("forced", ParquetDatasetWriter.ShardFileName(3, 4));
        var shardManifest = Touch("forced", DatasetManifest.ShardManifestFileName(3, 4));
        var unrelated = Touch("forced", "notes.txt");
        var folder = Path.GetDirectoryName(mine)!;

        DatasetFolderPolicy.RemoveStaleFiles(folder, Options("forced"), ThreeShards);
        Assert.True(File.Exists(other)); // not forced: nothing goes
        DatasetFolderPolicy.RemoveStaleFiles(folder, Options("forced", shardIndex: 0, force: true), ThreeShards);
        Assert.True(File.Exists(other)); // a split run replaces only its own shard
        DatasetFolderPolicy.RemoveStaleFiles(folder, Options("forced", force: true), ThreeShards);

        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(unrelated));
        Assert.False(File.Exists(other));
        Assert.False(File.Exists(shardManifest));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public void A_forced_run_removes_the_old_datasets_npy_export(int? shardIndex)
    {
        // The new manifest records no export, and the adapter would train on the old tokens under the new dataset's name.
        var tokens = Touch("exported", NpyTokenExport.TokensFileName);
        var lengths = Touch("exported", NpyTokenExport.LengthsFileName);
        var folder = Path.GetDirectoryName(tokens)!;

        DatasetFolderPolicy.RemoveStaleFiles(folder, Options("exported", shardIndex), ThreeShards);
        Assert.True(File.Exists(tokens)); // not forced: nothing goes
        DatasetFolderPolicy.RemoveStaleFiles(folder, Options("exported", shardIndex, force: true), ThreeShards);

        Assert.False(File.Exists(tokens));
        Assert.False(File.Exists(lengths));
    }
}
