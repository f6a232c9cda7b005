using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Protobuf;
using Xunit;

namespace Shim.Api.Tests.Protobuf;

/// <summary>Field-level assertions on captured kubectl bodies and on hand-built bodies for shapes kubectl does not send.</summary>
public sealed class ProtobufBodyTests
{
    [Theory]
    [InlineData("kubectl132")]
    [InlineData("kubectl135")]
    public void Namespace(string client)
    {
        var ns = ProtobufBody.Decode(Fixture.Bytes($"namespace.{client}.bin"));
        Assert.Equal("Namespace", (string?)ns["kind"]);
        Assert.Equal("v1", (string?)ns["apiVersion"]);
        Assert.Equal("proto-nsx", (string?)ns["metadata"]!["name"]);
        // Empty generateName/namespace/uid etc. are on the wire but omitempty in Go, so absent here.
        Assert.Equal("""{"name":"proto-nsx"}""", ns["metadata"]!.ToJsonString());
    }

    [Fact]
    public void ConfigMapWithDataAndBinaryData()
    {
        var cm = ProtobufBody.Decode(Fixture.Bytes("configmap.kubectl132.bin"));
        Assert.Equal("""{"a":"b","c":"d"}""", cm["data"]!.ToJsonString());

        var bin = ProtobufBody.Decode(Fixture.Bytes("configmap-binary.kubectl135.bin"));
        Assert.Equal("hello", (string?)bin["data"]!["txt"]);
        Assert.Equal(Convert.ToBase64String([0x00, 0x01, 0x02, 0xff, 0xfe]), (string?)bin["binaryData"]!["bin"]);
    }

    [Fact]
    public void SecretDataIsBase64()
    {
        var secret = ProtobufBody.Decode(Fixture.Bytes("secret-generic.kubectl132.bin"));
        Assert.Equal("Secret", (string?)secret["kind"]);
        Assert.Equal("YWRtaW4=", (string?)secret["data"]!["user"]);
        Assert.Equal("p@ss w0rd", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["pass"]!)));

        var registry = ProtobufBody.Decode(Fixture.Bytes("secret-docker-registry.kubectl135.bin"));
        Assert.Equal("kubernetes.io/dockerconfigjson", (string?)registry["type"]);
        var config = JsonNode.Parse(Convert.FromBase64String((string)registry["data"]![".dockerconfigjson"]!))!;
        Assert.Equal("u", (string?)config["auths"]!["r.example"]!["username"]);
    }

    [Fact]
    public void Deployment()
    {
        var d = ProtobufBody.Decode(Fixture.Bytes("deployment.kubectl132.bin"));
        Assert.Equal("apps/v1", (string?)d["apiVersion"]);
        Assert.Equal("Deployment", (string?)d["kind"]);
        var spec = d["spec"]!;
        Assert.Equal(3, (int)spec["replicas"]!);
        Assert.Equal("webx", (string?)spec["selector"]!["matchLabels"]!["app"]);
        Assert.Equal("webx", (string?)spec["template"]!["metadata"]!["labels"]!["app"]);
        var container = spec["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx", (string?)container["name"]);
        Assert.Equal("nginx:1.25", (string?)container["image"]);
        Assert.Equal(80, (int)container["ports"]![0]!["containerPort"]!);
        Assert.Equal("{}", container["resources"]!.ToJsonString());

        // --replicas=0 is a pointer set to zero: it must survive, not be dropped as "empty".
        var zero = ProtobufBody.Decode(Fixture.Bytes("deployment-command.kubectl135.bin"));
        Assert.Equal(0, (int)zero["spec"]!["replicas"]!);
        Assert.Equal("""["/bin/sh","-c","sleep 1"]""", zero["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.ToJsonString());
    }

    [Fact]
    public void ServiceTargetPortIsIntOrString()
    {
        var numeric = ProtobufBody.Decode(Fixture.Bytes("service-clusterip.kubectl132.bin"));
        var port = numeric["spec"]!["ports"]![0]!;
        Assert.Equal(80, (int)port["port"]!);
        Assert.Equal(JsonValueKind.Number, port["targetPort"]!.GetValueKind());
        Assert.Equal(8080, (int)port["targetPort"]!);
        Assert.Equal("TCP", (string?)port["protocol"]);
        Assert.Equal("ClusterIP", (string?)numeric["spec"]!["type"]);

        var named = ProtobufBody.Decode(Fixture.Bytes("service-clusterip-named-port.kubectl135.bin"));
        Assert.Equal(JsonValueKind.String, named["spec"]!["ports"]![0]!["targetPort"]!.GetValueKind());
        Assert.Equal("https", (string?)named["spec"]!["ports"]![0]!["targetPort"]);

        var nodePort = ProtobufBody.Decode(Fixture.Bytes("service-nodeport.kubectl132.bin"));
        Assert.Equal(30080, (int)nodePort["spec"]!["ports"]![0]!["nodePort"]!);
    }

    [Fact]
    public void CronJob()
    {
        var cj = ProtobufBody.Decode(Fixture.Bytes("cronjob.kubectl135.bin"));
        Assert.Equal("batch/v1", (string?)cj["apiVersion"]);
        Assert.Equal("*/5 * * * *", (string?)cj["spec"]!["schedule"]);
        var podSpec = cj["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!;
        Assert.Equal("OnFailure", (string?)podSpec["restartPolicy"]);
        Assert.Equal("""["echo","hi"]""", podSpec["containers"]![0]!["command"]!.ToJsonString());
    }

    [Fact]
    public void QuantitiesAndPercentages()
    {
        var quota = ProtobufBody.Decode(Fixture.Bytes("resourcequota.kubectl132.bin"));
        Assert.Equal("""{"cpu":"1","memory":"1Gi","pods":"10"}""", quota["spec"]!["hard"]!.ToJsonString());

        var min = ProtobufBody.Decode(Fixture.Bytes("pdb-min-available.kubectl132.bin"));
        Assert.Equal(1, (int)min["spec"]!["minAvailable"]!);
        var max = ProtobufBody.Decode(Fixture.Bytes("pdb-max-unavailable-percent.kubectl135.bin"));
        Assert.Equal("50%", (string?)max["spec"]!["maxUnavailable"]);
    }

    [Fact]
    public void JsonNamesThatDifferFromProtoNames()
    {
        // BoundObjectReference's proto field is "uID" but its JSON name is "uid".
        var token = ProtobufBody.Decode(Fixture.Bytes("tokenrequest-bound.kubectl132.bin"));
        Assert.Equal("""{"kind":"Pod","apiVersion":"v1","name":"p1","uid":"1234-abcd"}""", token["spec"]!["boundObjectRef"]!.ToJsonString());
        Assert.Equal(3600, (long)token["spec"]!["expirationSeconds"]!);
    }

    [Fact]
    public void TypedDeleteFromDrain()
    {
        // kubectl drain --disable-eviction: DELETE pods/p1 with DeleteOptions tagged apiVersion "v1".
        var options = ProtobufBody.Decode(Fixture.Bytes("deleteoptions-pod.kubectl135.bin"));
        Assert.Equal("""{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":10}""", options.ToJsonString());
    }

    [Theory]
    [InlineData("meta.k8s.io/v1")]
    [InlineData("v1")]
    [InlineData("apps/v1")]
    [InlineData("batch/v1")]
    public void DeleteOptionsWithPropagationPolicy(string apiVersion)
    {
        var body = ProtoWriter.Envelope(apiVersion, "DeleteOptions", m => m
            .Varint(1, 0L)
            .Message(2, p => p.String(1, "uid-1"))
            .Varint(3, 0L)
            .String(4, "Foreground")
            .String(5, "All"));
        var options = ProtobufBody.Decode(body);
        // Pointer fields set to zero (gracePeriodSeconds=0 is --now, orphanDependents=false) must be kept.
        Assert.Equal(
            $$"""{"kind":"DeleteOptions","apiVersion":"{{apiVersion}}","gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},"orphanDependents":false,"propagationPolicy":"Foreground","dryRun":["All"]}""",
            options.ToJsonString());
    }

    [Fact]
    public void EvictionMatchesWhatKubectlSendsAsJson()
    {
        // kubectl drain sends Eviction as JSON even in 1.35; the protobuf form is built as gogo-protobuf writes it.
        var body = ProtoWriter.Envelope("policy/v1", "Eviction", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, "p1", "default"))
            .Message(2, o => o.Varint(1, 30L)));
        Assert.Equal(Fixture.Json("eviction.kubectl135.json").ToJsonString(), ProtobufBody.Decode(body).ToJsonString());
    }

    [Fact]
    public void TimesAreRfc3339Utc()
    {
        var body = ProtoWriter.Envelope("v1", "Event", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, "e1", "default"))
            .String(3, "Started")
            .Message(6, t => t.Varint(1, 1714557600L))
            .Message(7, t => t.Varint(1, 1714557601L).Varint(2, 999_000_000L)) // Time drops sub-seconds
            .Varint(8, 2L)
            .Message(10, t => t.Varint(1, 1714557600L).Varint(2, 123_456_789L)));
        var e = ProtobufBody.Decode(body);
        Assert.Equal("2024-05-01T10:00:00Z", (string?)e["firstTimestamp"]);
        Assert.Equal("2024-05-01T10:00:01Z", (string?)e["lastTimestamp"]);
        Assert.Equal("2024-05-01T10:00:00.123456Z", (string?)e["eventTime"]);
        Assert.Equal(2, (int)e["count"]!);
    }

    [Fact]
    public void ZeroTimesAreNullAndEpochIsNot()
    {
        var body = ProtoWriter.Envelope("v1", "Pod", m => m.Message(1, meta => meta
            .String(1, "p")
            .Bytes(8, [])                                          // creationTimestamp: zero, omitzero
            .Message(9, t => t.Varint(1, -62135596800L))            // deletionTimestamp: Go zero time, pointer
            .Message(17, f => f
                .String(1, "kubectl")
                .String(2, "Update")
                .Message(4, t => t.Varint(1, 0L))                 // 1970-01-01 is a real time
                .String(6, "FieldsV1")
                .Message(7, r => r.String(1, """{"f:data":{".":{}}}""")))));
        var meta = ProtobufBody.Decode(body)["metadata"]!.AsObject();
        Assert.False(meta.ContainsKey("creationTimestamp"));
        Assert.True(meta.ContainsKey("deletionTimestamp"));
        Assert.Null(meta["deletionTimestamp"]);
        var managed = meta["managedFields"]![0]!;
        Assert.Equal("1970-01-01T00:00:00Z", (string?)managed["time"]);
        Assert.Equal("""{"f:data":{".":{}}}""", managed["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void PodWithInlineStructsPackedListsAndNewFields()
    {
        // Volume.volumeSource and ConfigMapVolumeSource.localObjectReference are `json:",inline"`, as is Probe.handler;
        // supplementalGroups arrives packed [1,2] and then unpacked 3.
        var body = ProtoWriter.Envelope("v1", "Pod", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, "p", "default"))
            .Message(2, spec => spec
                .Message(1, v => v.String(1, "cfg").Message(2, src => src.Message(19, c => c.Message(1, r => r.String(1, "my-cm")))))
                .Message(2, c => c
                    .String(1, "app")
                    .String(2, "nginx")
                    .Message(10, probe => probe
                        .Message(1, h => h.Message(2, get => get.String(1, "/healthz").Message(2, p => p.Varint(1, 1L).Varint(2, 0L).String(3, "http"))))
                        .Varint(4, 10L))
                    .Message(23, r => r.String(1, "cpu").String(2, "NotRequired")))
                .Message(14, sc => sc
                    .Bytes(4, [1, 2])
                    .Varint(4, 3L)
                    .Varint(2, 1000L))
                .Varint(37, 0L)                                         // hostUsers=false (pointer)
                .Message(36, os => os.String(1, "linux"))
                .Message(38, g => g.String(1, "example.com/gate"))));
        var spec = ProtobufBody.Decode(body)["spec"]!;
        Assert.Equal("""[{"name":"cfg","configMap":{"name":"my-cm"}}]""", spec["volumes"]!.ToJsonString());
        var container = spec["containers"]![0]!;
        Assert.Equal("""{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":10}""", container["livenessProbe"]!.ToJsonString());
        Assert.Equal("""[{"resourceName":"cpu","restartPolicy":"NotRequired"}]""", container["resizePolicy"]!.ToJsonString());
        Assert.Equal("""{"runAsUser":1000,"supplementalGroups":[1,2,3]}""", spec["securityContext"]!.ToJsonString());
        Assert.False((bool)spec["hostUsers"]!);
        Assert.Equal("linux", (string?)spec["os"]!["name"]);
        Assert.Equal("example.com/gate", (string?)spec["schedulingGates"]![0]!["name"]);
    }

    [Fact]
    public void SliceAliasMapValuesAreArrays()
    {
        // SubjectAccessReviewSpec.extra is map<string, ExtraValue>; Go's ExtraValue is []string.
        var body = ProtoWriter.Envelope("authorization.k8s.io/v1", "SubjectAccessReview", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, ""))
            .Message(2, spec => spec
                .Message(2, n => n.String(1, "/healthz").String(2, "get"))
                .String(3, "alice")
                .String(4, "devs")
                .Message(5, e => e.String(1, "scopes").Message(2, v => v.String(1, "a").String(1, "b"))))
            .Message(3, s => s.Varint(1, 0L)));
        var review = ProtobufBody.Decode(body);
        Assert.Equal("""{"scopes":["a","b"]}""", review["spec"]!["extra"]!.ToJsonString());
        Assert.Equal("""{"path":"/healthz","verb":"get"}""", review["spec"]!["nonResourceAttributes"]!.ToJsonString());
        Assert.False((bool)review["status"]!["allowed"]!);
    }

    [Fact]
    public void CustomResourceDefinitionSchema()
    {
        // JSONSchemaProps fields: 3 $ref, 5 type, 8 default, 9 maximum, 20 enum, 24 items, 29 properties,
        // 30 additionalProperties, 32 dependencies, 38 x-kubernetes-preserve-unknown-fields, 42 x-kubernetes-list-type.
        static void Str(ProtoWriter p) => p.String(5, "string");
        static Action<ProtoWriter> Property(string name, Action<ProtoWriter> props) => e => e.String(1, name).Message(2, props);
        Action<ProtoWriter> size = p => p
            .String(5, "integer")
            .Message(8, d => d.String(1, "3"))
            .Fixed64(9, BitConverter.DoubleToUInt64Bits(10.5))
            .Message(20, j => j.String(1, "1"))
            .Message(20, j => j.String(1, "3"));
        Action<ProtoWriter> tags = p => p.String(5, "array").Message(24, items => items.Message(1, Str)).String(42, "set");
        Action<ProtoWriter> labels = p => p.String(5, "object").Message(30, ap => ap.Message(2, Str));
        Action<ProtoWriter> closed = p => p.String(5, "object").Message(30, ap => ap.Varint(1, 0L));
        Action<ProtoWriter> specProps = p => p
            .String(5, "object")
            .Varint(38, 1L)
            .Message(29, Property("size", size))
            .Message(29, Property("tags", tags))
            .Message(29, Property("labels", labels))
            .Message(29, Property("closed", closed))
            .Message(32, e => e.String(1, "size").Message(2, dep => dep.String(2, "tags")));
        Action<ProtoWriter> root = p => p.String(5, "object").Message(29, Property("spec", specProps)).String(3, "#/definitions/x");
        var body = ProtoWriter.Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, "widgets.example.com"))
            .Message(2, spec => spec
                .String(1, "example.com")
                .Message(3, n => n.String(1, "widgets").String(4, "Widget"))
                .String(4, "Namespaced")
                .Message(7, v => v.String(1, "v1").Varint(2, 1L).Varint(3, 1L).Message(4, val => val.Message(1, root)))));
        var crd = ProtobufBody.Decode(body);
        var version = crd["spec"]!["versions"]![0]!;
        Assert.True((bool)version["served"]!);
        var schema = version["schema"]!["openAPIV3Schema"]!;
        Assert.Equal("#/definitions/x", (string?)schema["$ref"]);
        var spec = schema["properties"]!["spec"]!;
        Assert.True((bool)spec["x-kubernetes-preserve-unknown-fields"]!);
        var sizeJson = spec["properties"]!["size"]!;
        Assert.Equal(3, (int)sizeJson["default"]!);
        Assert.Equal(10.5, (double)sizeJson["maximum"]!);
        Assert.Equal("[1,3]", sizeJson["enum"]!.ToJsonString());
        var tagsJson = spec["properties"]!["tags"]!;
        Assert.Equal("""{"type":"string"}""", tagsJson["items"]!.ToJsonString());
        Assert.Equal("set", (string?)tagsJson["x-kubernetes-list-type"]);
        Assert.Equal("""{"type":"string"}""", spec["properties"]!["labels"]!["additionalProperties"]!.ToJsonString());
        Assert.False((bool)spec["properties"]!["closed"]!["additionalProperties"]!);
        Assert.Equal("""{"size":["tags"]}""", spec["dependencies"]!.ToJsonString());
    }

    [Fact]
    public void RawExtensionsHoldJsonOrNestedProtobuf()
    {
        var nested = ProtoWriter.Envelope("v1", "ConfigMap", m => m
            .Message(1, meta => ProtoWriter.Meta(meta, "inner"))
            .Entry(2, "k", "v"));
        var body = ProtoWriter.Envelope("v1", "List", m => m
            .Message(1, lm => lm.String(2, "").String(3, ""))
            .Message(2, r => r.String(1, """{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"}}"""))
            .Message(2, r => r.Bytes(1, nested)));
        var list = ProtobufBody.Decode(body);
        Assert.Equal("""{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"}}""", list["items"]![0]!.ToJsonString());
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"inner"},"data":{"k":"v"}}""", list["items"]![1]!.ToJsonString());
    }

    [Fact]
    public void UnknownFieldsAreSkippedAndLastSingularWins()
    {
        var body = ProtoWriter.Envelope("v1", "ConfigMap", m => m
            .Varint(900, 5L)
            .Fixed32(901, 7)
            .Fixed64(902, 9)
            .String(903, "x")
            .Tag(904, 3).Varint(1, 1L).String(2, "in group").Tag(904, 4)
            .Message(1, meta => ProtoWriter.Meta(meta, "first"))
            .Message(1, meta => ProtoWriter.Meta(meta, "second").Varint(999, 1L))
            .Entry(2, "k", "v")
            .Message(2, e => e.String(1, "empty")));                   // missing map value is ""
        var cm = ProtobufBody.Decode(body);
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"second"},"data":{"k":"v","empty":""}}""", cm.ToJsonString());
    }

    [Fact]
    public void JsonContentTypeInsideTheEnvelopeIsPassedThrough()
    {
        var raw = """{"metadata":{"name":"j"},"data":{"a":"b"}}"""u8.ToArray();
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, "v1").String(2, "ConfigMap"))
            .Bytes(2, raw)
            .String(4, "application/json");
        var cm = ProtobufBody.Decode([.. "k8s\0"u8.ToArray(), .. unknown.ToArray()]);
        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"j"},"data":{"a":"b"}}""", cm.ToJsonString());
    }

    [Fact]
    public void DurationsUseGoSyntax()
    {
        var converter = new ProtoJsonConverter(ProtoSchema.Shared);
        var bytes = new ProtoWriter().Varint(1, 3_600_000_000_000L).ToArray();
        Assert.Equal("1h0m0s", (string?)converter.ConvertMessage("k8s.io.apimachinery.pkg.apis.meta.v1.Duration", bytes, 0));
        Assert.Equal("0s", (string?)converter.ConvertMessage("k8s.io.apimachinery.pkg.apis.meta.v1.Duration", [], 0));
    }
}
