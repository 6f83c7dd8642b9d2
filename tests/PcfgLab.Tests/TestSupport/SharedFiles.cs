namespace PcfgLab.Tests.TestSupport;

/// <summary>
/// Finds <c>../shared</c> beside the repository (the reference fixtures and validation data). CI has it;
/// a bare clone does not, and tests that need it report themselves skipped, saying why.
/// </summary>
internal static class SharedFiles
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding PcfgLab.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared folder, or null when the clone has none beside it.</summary>
    public static string? Directory => Root.Value;

    /// <summary>Path of a file under shared/; only call from tests marked <see cref="SharedFactAttribute"/>.</summary>
    public static string PathOf(params string[] parts) =>
        Path.Combine([Directory ?? throw new InvalidOperationException("../shared is missing"), .. parts]);

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PcfgLab.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PcfgLab.sln not found above " + AppContext.BaseDirectory);
    }

    private static string? FindRoot()
    {
        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
        return System.IO.Directory.Exists(Path.Combine(candidate, "reference")) ? candidate : null;
    }
}

/// <summary>A fact that needs ../shared; skipped, with the reason, where the clone has none beside it.</summary>
internal sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (SharedFiles.Directory is null)
        {
            Skip = "needs ../shared beside the repository (reference fixtures and validation data); CI provides it";
        }
    }
}

/// <summary>A theory that needs ../shared; skipped, with the reason, where the clone has none beside it.</summary>
internal sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (SharedFiles.Directory is null)
        {
            Skip = "needs ../shared beside the repository (reference fixtures and validation data); CI provides it";
        }
    }
}
