namespace PcfgLab.Compression.Corpora;

/// <summary>
/// Lists the files of a file or folder in a fixed order (ordinal by name, folder by folder, recursively),
/// keeping those that match an include pattern (all when none is given) and no exclude pattern. Exclude patterns
/// without '/' also prune folders of that name. Symbolic links to folders are not followed (no cycles).
/// </summary>
internal sealed class FileWalker
{
    private readonly FileGlob[] _includes;
    private readonly FileGlob[] _excludes;

    /// <summary>Creates a walker with include and exclude patterns (see <see cref="FileGlob"/>).</summary>
    public FileWalker(IEnumerable<string>? includes = null, IEnumerable<string>? excludes = null)
    {
        _includes = [.. (includes ?? []).Select(p => new FileGlob(p))];
        _excludes = [.. (excludes ?? []).Select(p => new FileGlob(p))];
    }

    /// <summary>The files under <paramref name="root"/> (or <paramref name="root"/> itself when it is a file).</summary>
    public IEnumerable<FileInfo> Files(string root)
    {
        if (File.Exists(root))
        {
            yield return new FileInfo(root);
            yield break;
        }

        if (!Directory.Exists(root))
        {
            throw new UserInputException($"{root} does not exist.");
        }

        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        var rootFull = Path.GetFullPath(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                continue;
            }

            Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
            var subdirectories = new List<DirectoryInfo>();
            foreach (var entry in entries)
            {
                var relative = Path.GetRelativePath(rootFull, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is null && !IsExcluded(sub.Name, relative, folder: true))
                    {
                        subdirectories.Add(sub);
                    }
                }
                else if (entry is FileInfo file && IsIncluded(file.Name, relative) && !IsExcluded(file.Name, relative, folder: false))
                {
                    yield return file;
                }
            }

            // Push in reverse so that folders are visited in ordinal order.
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private bool IsIncluded(string name, string relative)
    {
        if (_includes.Length == 0)
        {
            return true;
        }

        foreach (var glob in _includes)
        {
            if (glob.IsMatch(name, relative))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsExcluded(string name, string relative, bool folder)
    {
        foreach (var glob in _excludes)
        {
            if ((!folder || !glob.MatchesPath) && glob.IsMatch(name, relative))
            {
                return true;
            }
        }

        return false;
    }
}
