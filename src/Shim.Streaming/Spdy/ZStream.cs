using System.Runtime.InteropServices;

namespace Shim.Streaming.Spdy;

/// <summary>zlib's <c>z_stream</c> as laid out by the C compiler (uLong is C <c>unsigned long</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZStream
{
    public nint NextIn;
    public uint AvailIn;
    public CULong TotalIn;
    public nint NextOut;
    public uint AvailOut;
    public CULong TotalOut;
    public nint Message;
    public nint State;
    public nint ZAlloc;
    public nint ZFree;
    public nint Opaque;
    public int DataType;
    public CULong Adler;
    public CULong Reserved;
}
