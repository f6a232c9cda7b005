using Shim.Streaming.Spdy;

namespace Shim.Streaming.Tests.Unit;

public sealed class SpdyHeaderCompressionTests
{
    [Fact]
    public void BlocksRoundTripThroughOneSharedContextPerDirection()
    {
        using var compressor = new SpdyHeaderCompressor();
        using var decompressor = new SpdyHeaderDecompressor();
        var blocks = new[]
        {
            new Dictionary<string, string> { ["streamtype"] = "error" },
            new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = "8080", ["requestid"] = "0" },
            new Dictionary<string, string> { ["streamtype"] = "stdout" },
        };
        for (var i = 0; i < blocks.Length; i++)
        {
            var compressed = compressor.Compress(SpdyHeaderBlock.Encode(blocks[i]));
            if (i == 0)
            {
                // zlib header with FDICT, then the Adler-32 of the SPDY/3 dictionary.
                Assert.Equal(0x78, compressed[0]);
                Assert.True((compressed[1] & 0x20) != 0);
                Assert.Equal(new byte[] { 0xE3, 0xC6, 0xA7, 0xC2 }, compressed[2..6]);
            }
            // Every block ends with a sync flush marker, so the peer can decode it on its own.
            Assert.Equal(new byte[] { 0x00, 0x00, 0xFF, 0xFF }, compressed[^4..]);
            Assert.Equal(blocks[i], SpdyHeaderBlock.Decode(decompressor.Decompress(compressed)));
        }
    }

    [Fact]
    public void DecodesStoredBlocksThatSpdystreamAccepts()
    {
        // Two empty header blocks of one connection in stored-deflate form (verified against spdystream): the first with the zlib header.
        using var decompressor = new SpdyHeaderDecompressor();
        var first = Convert.FromHexString("78f9e3c6a7c2" + "000400fbff" + "00000000" + "000000ffff");
        var second = Convert.FromHexString("000400fbff" + "00000000" + "000000ffff");
        Assert.Equal(new byte[4], decompressor.Decompress(first));
        Assert.Equal(new byte[4], decompressor.Decompress(second));
    }

    [Fact]
    public void DictionaryIsTheSpdy3Constant()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        Assert.Equal("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(SpdyDictionary.Bytes)));
    }

    [Fact]
    public void HeaderNamesGoOnTheWireInLowerCaseAndRepeatedValuesAreNulJoined()
    {
        var encoded = SpdyHeaderBlock.Encode(new Dictionary<string, string> { ["StreamType"] = "error" });
        Assert.Equal(Convert.FromHexString("000000010000000a73747265616d74797065000000056572726f72"), encoded);
        var decoded = SpdyHeaderBlock.Decode(Convert.FromHexString("0000000200000001780000000161" + "00000001780000000162"));
        Assert.Equal("a\0b", decoded["x"]);
    }
}
