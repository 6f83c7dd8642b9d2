namespace PcfgLab.Tests.TestSupport;

/// <summary>A temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pcfglab-test-");

    /// <summary>The folder's full path.</summary>
    public string Path => folder.FullName;

    public void Dispose()
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the system cleans /tmp.
        }
    }
}
