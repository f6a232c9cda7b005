using Shim.Api.Errors;
using Shim.Api.Protobuf;
using Xunit;

namespace Shim.Api.Tests.Protobuf;

/// <summary>Whatever the bytes, Decode either succeeds or throws a 400 ApiException.</summary>
public sealed class MalformedBodyTests
{
    public static TheoryData<string, byte[]> BadBodies() => new()
    {
        { "empty", [] },
        { "json instead of protobuf", """{"kind":"Namespace"}"""u8.ToArray() },
        { "magic only (no kind)", "k8s\0"u8.ToArray() },
        { "truncated length", [.. "k8s\0"u8.ToArray(), 0x0a, 0x10, 0x0a] },
        { "truncated varint", [.. "k8s\0"u8.ToArray(), 0x08, 0xff] },
        { "varint over 10 bytes", [.. "k8s\0"u8.ToArray(), 0x08, .. Enumerable.Repeat((byte)0xff, 11), 0x01] },
        { "field number 0", [.. "k8s\0"u8.ToArray(), 0x02, 0x00] },
        { "wire type 7", [.. "k8s\0"u8.ToArray(), 0x0f] },
        { "unterminated group", [.. "k8s\0"u8.ToArray(), 0x2b, 0x08, 0x01] },
        { "stray end group", [.. "k8s\0"u8.ToArray(), 0x2c] },
        { "unknown apiVersion", ProtoWriter.Envelope("authentication.k8s.io/v1beta1", "SelfSubjectReview", _ => { }) },
        { "unknown kind", ProtoWriter.Envelope("v1", "Gadget", _ => { }) },
        { "non-object kind", ProtoWriter.Envelope("meta.k8s.io/v1", "Time", m => m.Varint(1, 5L)) },
        { "wrong wire type for a known field", ProtoWriter.Envelope("v1", "ConfigMap", m => m.Varint(1, 5L)) },
        { "string where a number belongs", ProtoWriter.Envelope("apps/v1", "Deployment", m => m.Message(2, s => s.String(1, "three"))) },
        { "gzip content encoding", ProtoWriter.Envelope("v1", "Namespace", _ => { }, contentEncoding: "gzip") },
        { "unknown content type", ProtoWriter.Envelope("v1", "Namespace", _ => { }, contentType: "application/cbor") },
        { "invalid json in RawExtension", ProtoWriter.Envelope("v1", "List", m => m.Message(2, r => r.String(1, "{not json"))) },
        { "invalid json content type body", ProtoWriter.Envelope("v1", "Namespace", m => m.Raw(0x7b), contentType: "application/json") },
        { "IntOrString type 7", ProtoWriter.Envelope("policy/v1", "PodDisruptionBudget", m => m.Message(2, s => s.Message(1, i => i.Varint(1, 7L)))) },
        { "NaN double", ProtoWriter.Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", m => m.Message(2, s => s.Message(7, v => v.Message(4, val => val.Message(1, p => p.Fixed64(9, BitConverter.DoubleToUInt64Bits(double.NaN))))))) },
        { "year 10000", ProtoWriter.Envelope("v1", "Event", m => m.Message(6, t => t.Varint(1, 253402300800L))) },
        { "map entry with a wrong key wire type", ProtoWriter.Envelope("v1", "ConfigMap", m => m.Message(2, e => e.Varint(1, 1L))) },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void IsBadRequest(string description, byte[] body)
    {
        var e = Assert.Throws<ApiException>(() => ProtobufBody.Decode(body));
        Assert.True(e.Code == 400, description);
        Assert.Equal("BadRequest", e.Reason);
    }

    [Fact]
    public void DeepNestingIsRejectedWithoutOverflowingTheStack()
    {
        // JSONSchemaProps.not (28) nested far beyond any real schema.
        byte[] props = [];
        for (var i = 0; i < 5000; i++)
        {
            props = new ProtoWriter().Bytes(28, props).ToArray();
        }

        var body = ProtoWriter.Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", m => m
            .Message(2, s => s.Message(7, v => v.Message(4, val => val.Bytes(1, props)))));
        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufBody.Decode(body)).Code);
    }

    [Theory]
    [InlineData("deployment.kubectl132.bin")]
    [InlineData("ingress.kubectl135.bin")]
    [InlineData("rolebinding.kubectl132.bin")]
    public void TruncationsAndBitFlipsNeverThrowAnythingElse(string fixture)
    {
        var original = Fixture.Bytes(fixture);
        for (var length = 0; length < original.Length; length++)
        {
            DecodeOrBadRequest(original[..length]);
        }

        for (var i = 0; i < original.Length; i++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xff })
            {
                var mutated = (byte[])original.Clone();
                mutated[i] ^= mask;
                DecodeOrBadRequest(mutated);
            }
        }
    }

    [Fact]
    public void RandomBytesNeverThrowAnythingElse()
    {
        var random = new Random(20240501);
        var kinds = new[] { ("v1", "Pod"), ("apps/v1", "Deployment"), ("apiextensions.k8s.io/v1", "CustomResourceDefinition"), ("v1", "List") };
        for (var i = 0; i < 3000; i++)
        {
            var noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            var (apiVersion, kind) = kinds[i % kinds.Length];
            DecodeOrBadRequest(ProtoWriter.Envelope(apiVersion, kind, m => m.Raw(noise)));
            DecodeOrBadRequest([.. "k8s\0"u8.ToArray(), .. noise]);
        }
    }

    private static void DecodeOrBadRequest(byte[] body)
    {
        try
        {
            ProtobufBody.Decode(body);
        }
        catch (ApiException e)
        {
            Assert.Equal(400, e.Code);
        }
    }
}
