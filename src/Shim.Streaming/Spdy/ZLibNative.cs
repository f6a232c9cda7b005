using System.Runtime.InteropServices;

namespace Shim.Streaming.Spdy;

/// <summary>
/// The few functions of the system zlib we need: .NET's ZLibStream cannot use a preset dictionary, which SPDY/3
/// header compression requires.
/// </summary>
internal static unsafe partial class ZLibNative
{
    private const string Library = "libz.so.1";

    public const int NoFlush = 0;
    public const int SyncFlush = 2;
    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int NeedDictionary = 2;
    public const int BufferError = -5;
    public const int DefaultCompression = -1;

    /// <summary>zlib only checks the first character of the version it was compiled against ("1").</summary>
    public static ReadOnlySpan<byte> Version => "1.2.13\0"u8;

    [LibraryImport(Library, EntryPoint = "deflateInit_")]
    public static partial int DeflateInit(ZStream* stream, int level, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflateSetDictionary")]
    public static partial int DeflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "inflateInit_")]
    public static partial int InflateInit(ZStream* stream, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflateSetDictionary")]
    public static partial int InflateSetDictionary(ZStream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);
}
