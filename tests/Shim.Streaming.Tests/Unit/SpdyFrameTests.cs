using Shim.Streaming.Spdy;

namespace Shim.Streaming.Tests.Unit;

public sealed class SpdyFrameTests
{
    [Fact]
    public async Task FramesHaveTheSpdy31WireLayout()
    {
        var cases = new (Func<SpdyFrameWriter, Task> Write, string Hex)[]
        {
            (writer => writer.WriteDataAsync(5, "hi\n"u8.ToArray(), 0, default), "0000000500000003" + "68690a"),
            (writer => writer.WriteDataAsync(5, ReadOnlyMemory<byte>.Empty, SpdyFrameFlags.Fin, default), "0000000501000000"),
            (writer => writer.WriteRstStreamAsync(7, SpdyStreamStatus.Cancel, default), "800300030000000800000007" + "00000005"),
            (writer => writer.WritePingAsync(1, default), "8003000600000004" + "00000001"),
            (writer => writer.WriteGoAwayAsync(7, SpdyGoAwayStatus.Ok, default), "800300070000000800000007" + "00000000"),
            (writer => writer.WriteWindowUpdateAsync(0, 65536, default), "800300090000000800000000" + "00010000"),
        };
        foreach (var (write, hex) in cases)
        {
            using var output = new MemoryStream();
            using var writer = new SpdyFrameWriter(output);
            await write(writer);
            Assert.Equal(hex, Convert.ToHexStringLower(output.ToArray()));
        }
    }

    [Fact]
    public async Task FirstSynReplyMatchesWhatSpdystreamAccepts()
    {
        using var output = new MemoryStream();
        using var writer = new SpdyFrameWriter(output);
        await writer.WriteSynReplyAsync(1, new Dictionary<string, string>(), 0, default);
        var bytes = output.ToArray();
        Assert.Equal("8003000200", Convert.ToHexStringLower(bytes[..5]));
        Assert.Equal("00000001", Convert.ToHexStringLower(bytes[8..12]));
        using var decompressor = new SpdyHeaderDecompressor();
        Assert.Empty(SpdyHeaderBlock.Decode(decompressor.Decompress(bytes[12..])));
    }

    [Fact]
    public async Task ReaderParsesWhatTheWriterWrites()
    {
        using var wire = new MemoryStream();
        using (var writer = new SpdyFrameWriter(wire))
        {
            await writer.WriteSynStreamAsync(3, new Dictionary<string, string> { ["streamtype"] = "stdin" }, SpdyFrameFlags.Fin, default);
            await writer.WriteDataAsync(3, new byte[70_000], 0, default);
            await writer.WriteSettingsAsync([(7, 1_000_000u)], default);
        }
        wire.Position = 0;
        var reader = new SpdyFrameReader(wire);
        var syn = (await reader.ReadAsync(default))!;
        Assert.Equal((SpdyFrameType.SynStream, 3, true), (syn.Type, syn.StreamId, syn.IsFin));
        var data = (await reader.ReadAsync(default))!;
        Assert.Equal((SpdyFrameType.Data, 3, 70_000), (data.Type, data.StreamId, data.Payload.Length));
        var settings = (await reader.ReadAsync(default))!;
        Assert.Equal(SpdyFrameType.Settings, settings.Type);
        Assert.Null(await reader.ReadAsync(default));
    }
}
