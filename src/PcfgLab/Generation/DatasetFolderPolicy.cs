using PcfgLab.Storage;

namespace PcfgLab.Generation;

/// <summary>
/// What a generation run may do to its folder: hold it alone (or its own shard of it), refuse to overwrite a dataset
/// without <see cref="GenerationOptions.Force"/>, and, when forced, remove the old dataset's exports (a trainer would
/// read the old tokens from them) and, replacing a whole dataset, the shards and shard manifests of another split.
/// </summary>
internal static class DatasetFolderPolicy
{
    /// <summary>
    /// Locks the folder (creating it), so that a second writer fails at once instead of mixing its shards with
    /// ours; reports the temporary files of killed runs that taking the lock removed; refuses a folder that already
    /// holds what this run would write, unless forced.
    /// </summary>
    public static OutputFolderLock Acquire(GenerationOptions options, DatasetLayout layout)
    {
        var folderLock = OutputFolderLock.Acquire(
            options.OutputFolder,
            options.Owner,
            options.ShardIndex is int part ? Path.GetFileNameWithoutExtension(ParquetDatasetWriter.ShardFileName(part, layout.ShardCount)) : null);
        try
        {
            if (folderLock.RemovedTemporaryFiles.Count > 0)
            {
                options.StaleFilesRemoved?.Invoke(folderLock.RemovedTemporaryFiles, folderLock.RemovedTemporaryBytes);
            }

            RefuseExisting(options, layout, folderLock.Folder);
            return folderLock;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Before the commit of a forced run: the old dataset's <c>tokens.npy</c> export (and its lengths file) goes, since
    /// the new manifest does not record it and it holds the old tokens; for a whole run, the shards of another split
    /// and the per-shard manifests go too.
    /// </summary>
    public static void RemoveStaleFiles(string folder, GenerationOptions options, DatasetLayout layout)
    {
        if (!options.Force)
        {
            return;
        }

        foreach (var name in (ReadOnlySpan<string>)[NpyTokenExport.TokensFileName, NpyTokenExport.LengthsFileName])
        {
            File.Delete(Path.Combine(folder, name));
        }

        if (options.ShardIndex is not null)
        {
            return;
        }

        var keep = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < layout.ShardCount; s++)
        {
            keep.Add(ParquetDatasetWriter.ShardFileName(s, layout.ShardCount));
        }

        foreach (var file in Directory.GetFiles(folder, "train-*.parquet"))
        {
            if (!keep.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
            }
        }

        foreach (var file in Directory.GetFiles(folder, "dataset.train-*.json"))
        {
            File.Delete(file);
        }
    }

    private static void RefuseExisting(GenerationOptions options, DatasetLayout layout, string folder)
    {
        // The folder exists and is writable: the lock and its owner file were written there.
        if (options.Force)
        {
            return;
        }

        if (options.ShardIndex is int index)
        {
            string[] mine =
            [
                DatasetManifest.FileName,
                ParquetDatasetWriter.ShardFileName(index, layout.ShardCount),
                DatasetManifest.ShardManifestFileName(index, layout.ShardCount),
            ];
            foreach (var name in mine)
            {
                if (File.Exists(Path.Combine(folder, name)))
                {
                    throw UserInputException.ForParameters($"'{options.OutputFolder}' already holds {name}: add {new Parameter("Force")} to replace it, or choose another {new Parameter("OutputFolder")}.");
                }
            }
        }
        else if (File.Exists(Path.Combine(folder, DatasetManifest.FileName)) || Directory.GetFiles(folder, "train-*.parquet").Length > 0)
        {
            throw UserInputException.ForParameters($"'{options.OutputFolder}' already holds a dataset: add {new Parameter("Force")} to replace it, or choose another {new Parameter("OutputFolder")}.");
        }
    }
}
