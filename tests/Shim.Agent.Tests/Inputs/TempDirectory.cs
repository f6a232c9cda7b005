using System.Diagnostics;

namespace Shim.Agent.Tests.Inputs;

/// <summary>A fresh directory per test; disposing unmounts anything a test left mounted below it, then deletes it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("shim-inputs-").FullName;
    }

    public string Path { get; }

    /// <summary>Where pods live: a level below so persistentVolumeClaim directories ({PodsRoot}/../volumes) stay inside.</summary>
    public string PodsRoot => System.IO.Path.Join(Path, "pods");

    public void Dispose()
    {
        foreach (var mountPoint in Mounts.Under(Path).OrderByDescending(p => p.Length))
        {
            using var umount = Process.Start("umount", [mountPoint]);
            umount.WaitForExit();
        }

        if (Mounts.Under(Path).Count == 0)
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
