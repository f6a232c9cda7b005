using System.Runtime.InteropServices;

namespace Shim.Streaming.Spdy;

/// <summary>
/// The sending half of SPDY header compression: one zlib stream (with the SPDY dictionary) for every header block
/// this side sends on a connection, each block ending with a sync flush so the peer can decode it at once.
/// Not thread-safe: blocks must be compressed in the order they go on the wire.
/// </summary>
public sealed unsafe class SpdyHeaderCompressor : IDisposable
{
    private ZStream* _stream;
    private bool _dictionarySet;

    public SpdyHeaderCompressor()
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        fixed (byte* version = ZLibNative.Version)
        {
            var result = ZLibNative.DeflateInit(_stream, ZLibNative.DefaultCompression, version, sizeof(ZStream));
            if (result != ZLibNative.Ok)
            {
                NativeMemory.Free(_stream);
                _stream = null;
                throw new InvalidOperationException($"zlib deflateInit failed ({result})");
            }
        }
    }

    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        ObjectDisposedException.ThrowIf(_stream == null, this);
        if (!_dictionarySet)
        {
            fixed (byte* dictionary = SpdyDictionary.Bytes)
            {
                Check(ZLibNative.DeflateSetDictionary(_stream, dictionary, (uint)SpdyDictionary.Bytes.Length), "deflateSetDictionary");
            }
            _dictionarySet = true;
        }

        using var output = new MemoryStream(block.Length + 64);
        Span<byte> chunk = stackalloc byte[4096];
        fixed (byte* input = block)
        fixed (byte* outBuffer = chunk)
        {
            _stream->NextIn = (nint)input;
            _stream->AvailIn = (uint)block.Length;
            do
            {
                _stream->NextOut = (nint)outBuffer;
                _stream->AvailOut = (uint)chunk.Length;
                var result = ZLibNative.Deflate(_stream, ZLibNative.SyncFlush);
                if (result != ZLibNative.Ok && result != ZLibNative.BufferError)
                {
                    throw new InvalidOperationException($"zlib deflate failed ({result})");
                }
                output.Write(chunk[..(chunk.Length - (int)_stream->AvailOut)]);
            }
            while (_stream->AvailOut == 0);
            _stream->NextIn = 0;
            _stream->NextOut = 0;
        }
        return output.ToArray();
    }

    public void Dispose()
    {
        if (_stream != null)
        {
            _ = ZLibNative.DeflateEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }

    private static void Check(int result, string operation)
    {
        if (result != ZLibNative.Ok)
        {
            throw new InvalidOperationException($"zlib {operation} failed ({result})");
        }
    }
}
