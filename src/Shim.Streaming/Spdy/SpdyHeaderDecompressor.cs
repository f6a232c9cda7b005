using System.Runtime.InteropServices;

namespace Shim.Streaming.Spdy;

/// <summary>
/// The receiving half of SPDY header compression: one zlib stream for every header block the peer sends on a
/// connection; the state carries over from block to block, so blocks must be fed in wire order.
/// </summary>
public sealed unsafe class SpdyHeaderDecompressor : IDisposable
{
    /// <summary>A header block larger than this after decompression is refused (a zlib bomb would otherwise do).</summary>
    private const int MaxBlockSize = 1 << 20;

    private ZStream* _stream;

    public SpdyHeaderDecompressor()
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        fixed (byte* version = ZLibNative.Version)
        {
            var result = ZLibNative.InflateInit(_stream, version, sizeof(ZStream));
            if (result != ZLibNative.Ok)
            {
                NativeMemory.Free(_stream);
                _stream = null;
                throw new InvalidOperationException($"zlib inflateInit failed ({result})");
            }
        }
    }

    public byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        ObjectDisposedException.ThrowIf(_stream == null, this);
        using var output = new MemoryStream(compressed.Length * 4);
        Span<byte> chunk = stackalloc byte[4096];
        fixed (byte* input = compressed)
        fixed (byte* outBuffer = chunk)
        {
            _stream->NextIn = (nint)input;
            _stream->AvailIn = (uint)compressed.Length;
            while (true)
            {
                _stream->NextOut = (nint)outBuffer;
                _stream->AvailOut = (uint)chunk.Length;
                var result = ZLibNative.Inflate(_stream, ZLibNative.SyncFlush);
                if (result == ZLibNative.NeedDictionary)
                {
                    fixed (byte* dictionary = SpdyDictionary.Bytes)
                    {
                        result = ZLibNative.InflateSetDictionary(_stream, dictionary, (uint)SpdyDictionary.Bytes.Length);
                    }
                    if (result != ZLibNative.Ok)
                    {
                        throw new SpdyProtocolException($"header block uses an unknown zlib dictionary ({result})");
                    }
                    continue;
                }
                if (result != ZLibNative.Ok && result != ZLibNative.BufferError && result != ZLibNative.StreamEnd)
                {
                    throw new SpdyProtocolException($"header block is not valid zlib data ({result})");
                }
                var produced = chunk.Length - (int)_stream->AvailOut;
                output.Write(chunk[..produced]);
                if (output.Length > MaxBlockSize)
                {
                    throw new SpdyProtocolException("header block too large");
                }
                // Done once all input is consumed and zlib had room to spare (nothing more pending).
                if (_stream->AvailIn == 0 && _stream->AvailOut != 0)
                {
                    break;
                }
                if (result == ZLibNative.BufferError || result == ZLibNative.StreamEnd)
                {
                    break;
                }
            }
            _stream->NextIn = 0;
            _stream->NextOut = 0;
        }
        return output.ToArray();
    }

    public void Dispose()
    {
        if (_stream != null)
        {
            _ = ZLibNative.InflateEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }
}
