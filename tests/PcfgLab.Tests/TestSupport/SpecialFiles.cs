using System.Diagnostics;

namespace PcfgLab.Tests.TestSupport;

/// <summary>Makes files that are not regular files (a named pipe), for tests of writers that must refuse them.</summary>
internal static class SpecialFiles
{
    /// <summary>Where coreutils installs mkfifo (for <see cref="SystemPathFactAttribute"/>).</summary>
    public const string MkFifo = "/usr/bin/mkfifo";

    /// <summary>Creates a FIFO at <paramref name="path"/> with mkfifo; false where there is none (Windows).</summary>
    public static bool TryMakeFifo(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        using var process = Process.Start(new ProcessStartInfo(MkFifo, [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>True when <paramref name="path"/> is still a FIFO (not replaced by a regular file).</summary>
    public static bool IsFifo(string path) =>
        AtomicFile.KindOf(path) == OutputPathKind.Special;
}
