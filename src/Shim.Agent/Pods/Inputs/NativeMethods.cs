using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Shim.Agent.Pods.Inputs;

/// <summary>libc calls .NET does not expose with the needed semantics.</summary>
[SupportedOSPlatform("linux")]
internal static class NativeMethods
{
    /// <summary>
    /// rename(2) of the path itself: File.Move follows a symlink source, but swapping the "..data" symlink must be
    /// one atomic rename of the link.
    /// </summary>
    public static void RenameReplacing(string from, string to)
    {
        if (Rename(from, to) != 0)
        {
            throw new IOException($"rename {from} to {to}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    // DllImport rather than LibraryImport: the generated marshaller needs AllowUnsafeBlocks, which this project does not set.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
#pragma warning restore SYSLIB1054
}
