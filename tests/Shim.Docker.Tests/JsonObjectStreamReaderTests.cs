using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

public sealed class JsonObjectStreamReaderTests
{
    [Fact]
    public async Task Newline_separated_and_concatenated_objects_are_split_even_when_bytes_trickle_in()
    {
        var text = "{\"a\":1}\n{\"b\":\"}{ \\\" \"}{\"c\":{\"d\":[1,{}]}}\r\n  {\"e\":\"é\"}\n";
        var objects = await ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), 1));

        Assert.Equal(["""{"a":1}""", """{"b":"}{ \" "}""", """{"c":{"d":[1,{}]}}""", """{"e":"é"}"""], objects.Select(o => o.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
    }

    [Fact]
    public async Task Objects_larger_than_the_buffer_are_read()
    {
        var big = new JsonObject { ["data"] = new string('x', 100_000) };
        var objects = await ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(big.ToJsonString() + "\n{}"), 5000));

        Assert.Equal(2, objects.Count);
        Assert.Equal(100_000, objects[0]["data"]!.ToString().Length);
    }

    [Fact]
    public async Task A_stream_cut_inside_an_object_is_an_error()
    {
        await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new MemoryStream("{\"a\":1}{\"b\":"u8.ToArray())));
    }

    private static async Task<List<JsonObject>> ReadAllAsync(Stream stream)
    {
        var objects = new List<JsonObject>();
        await foreach (var item in JsonObjectStreamReader.ReadAllAsync(stream, CancellationToken.None))
        {
            objects.Add(item);
        }

        return objects;
    }
}
