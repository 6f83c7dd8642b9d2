namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Real corpora built from what Debian packages install (C headers, Python's standard library, licence texts).
/// Tests marked <see cref="SystemPathFactAttribute"/> skip themselves, naming the package to install, where the
/// path is missing.
/// </summary>
internal static class SystemCorpora
{
    /// <summary>C headers (package libc6-dev).</summary>
    public const string CHeaders = "/usr/include";

    /// <summary>Licence texts (package base-files).</summary>
    public const string Licenses = "/usr/share/common-licenses";

    /// <summary>Python's standard library sources, found the way sysconfig reports them, or null.</summary>
    public static string? PythonStdlib { get; } = FindPythonStdlib();

    private static string? FindPythonStdlib()
    {
        foreach (var root in new[] { "/usr/lib", "/usr/local/lib", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv/versions") })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var candidate in Directory.EnumerateDirectories(root, "python3*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 }).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(candidate, "os.py")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>A fact that needs a system path; skipped, naming the package to install, where it is missing.</summary>
internal sealed class SystemPathFactAttribute : FactAttribute
{
    /// <summary>Alias of <see cref="SystemCorpora.PythonStdlib"/> in <see cref="SystemPathFactAttribute"/>'s paths.</summary>
    public const string PythonStdlib = "python-stdlib";

    /// <summary>Needs every one of <paramref name="paths"/> (folders or files), installed by <paramref name="packages"/>.</summary>
    public SystemPathFactAttribute(string packages, params string[] paths)
    {
        foreach (var path in paths)
        {
            var resolved = path == PythonStdlib ? SystemCorpora.PythonStdlib : path;
            if (resolved is null || (!Directory.Exists(resolved) && !File.Exists(resolved)))
            {
                Skip = $"needs {path} on this machine: install {packages} (apt-get install {packages})";
                return;
            }
        }
    }
}
