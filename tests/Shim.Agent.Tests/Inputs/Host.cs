using System.Diagnostics;

namespace Shim.Agent.Tests.Inputs;

/// <summary>Host checks and commands for tests, independent of the code under test.</summary>
internal static class Host
{
    public static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>The permission bits of the file or directory (following symlinks).</summary>
    public static UnixFileMode ModeOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the inputs tests need Linux");
        }

        return File.GetUnixFileMode(path);
    }

    /// <summary>True when anything, a dangling symlink included, is at the path.</summary>
    public static bool EntryExists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    public static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(command, arguments);
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
