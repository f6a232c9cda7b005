using System.Text.Json;
using Shim.Model.Core.V1;

namespace Shim.Model.Tests;

public class ModelBehaviourTests
{
    [Fact]
    public void UnknownFieldsAreKeptAtEveryLevel()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","futureMeta":1},
             "spec":{"containers":[{"name":"c","image":"i","futureContainerField":{"a":[1,2]}}],"futureSpec":"x"},
             "futureTop":[true,null]}
            """;
        var pod = ModelJson.Deserialize<Pod>(json)!;
        Assert.Equal(["futureTop"], pod.UnknownFields!.Keys);
        Assert.Equal(["futureSpec"], pod.Spec!.UnknownFields!.Keys);
        Assert.Equal(["futureContainerField"], pod.Spec.Containers![0].UnknownFields!.Keys);
        Assert.Equal(["futureMeta"], pod.Metadata!.UnknownFields!.Keys);

        using var input = JsonDocument.Parse(json);
        using var output = JsonDocument.Parse(ModelJson.Serialize(pod));
        Assert.Null(JsonSemantics.Difference(input.RootElement, output.RootElement));
    }

    [Fact]
    public void AbsentStaysAbsentAndEmptyStaysEmpty()
    {
        var json = ModelJson.Serialize(ModelJson.Deserialize<Pod>("""{"metadata":{"labels":{}},"spec":{"containers":[]}}""")!);
        Assert.Equal("""{"metadata":{"labels":{}},"spec":{"containers":[]}}""", json);
    }

    [Fact]
    public void PropertyNamesAreTheSchemaNames()
    {
        var pod = new Pod { Spec = new PodSpec { HostIPC = true, Containers = [new Container { Name = "c", SecurityContext = new SecurityContext { RunAsNonRoot = true } }] } }.WithTypeMeta();
        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c","securityContext":{"runAsNonRoot":true}}],"hostIPC":true}}""", ModelJson.Serialize(pod));
        Assert.Equal(new GroupVersionKind("apps", "v1", "Deployment"), Apps.V1.Deployment.GroupVersionKind);
        Assert.Equal("apps/v1", Apps.V1.Deployment.GroupVersionKind.ApiVersion);
    }

    [Fact]
    public void SchemaKeywordsAndOddNamesMapToProperties()
    {
        var props = ModelJson.Deserialize<ApiExtensions.V1.JSONSchemaProps>("""{"$ref":"#/x","$schema":"s","x-kubernetes-list-type":"set","description":"d"}""")!;
        Assert.Equal("#/x", props.Ref);
        Assert.Equal("s", props.Schema);
        Assert.Equal("set", props.XKubernetesListType);
        Assert.Equal("d", props.Description);
        var status = ModelJson.Deserialize<Meta.V1.Status>("""{"status":"Failure"}""")!;
        Assert.Equal("Failure", status.StatusValue); // a member may not share its class's name
        var endpoint = ModelJson.Deserialize<DaemonEndpoint>("""{"Port":10250}""")!;
        Assert.Equal(10250, endpoint.Port);
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01T10:00:00.999Z", "2024-05-01T10:00:00Z")] // upstream keeps whole seconds
    public void TimeIsWrittenLikeUpstream(string input, string written)
    {
        var meta = ModelJson.Deserialize<Meta.V1.ObjectMeta>($$"""{"creationTimestamp":"{{input}}"}""")!;
        Assert.Equal($$"""{"creationTimestamp":"{{written}}"}""", ModelJson.Serialize(meta));
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00.123456Z", "2024-05-01T10:00:00.123456Z")]
    [InlineData("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000000Z")]
    public void MicroTimeKeepsMicroseconds(string input, string written)
    {
        var spec = ModelJson.Deserialize<Coordination.V1.LeaseSpec>($$"""{"renewTime":"{{input}}"}""")!;
        Assert.Equal($$"""{"renewTime":"{{written}}"}""", ModelJson.Serialize(spec));
    }

    [Fact]
    public void TimesWithoutAZoneAreRejected() =>
        Assert.Throws<JsonException>(() => ModelJson.Deserialize<Meta.V1.ObjectMeta>("""{"creationTimestamp":"2024-05-01T10:00:00"}"""));

    [Fact]
    public void TimesInMapsUseTheTimeForm()
    {
        var status = new Policy.V1.PodDisruptionBudgetStatus { DisruptedPods = new() { ["p"] = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)) } };
        Assert.Equal("""{"disruptedPods":{"p":"2024-05-01T10:00:00Z"}}""", ModelJson.Serialize(status));
    }

    [Fact]
    public void IntOrStringKeepsItsForm()
    {
        var port = ModelJson.Deserialize<ServicePort>("""{"port":80,"targetPort":"http"}""")!;
        Assert.False(port.TargetPort!.Value.IsInt);
        port.TargetPort = 8080;
        Assert.Equal("""{"port":80,"targetPort":8080}""", ModelJson.Serialize(port));
        Assert.Throws<JsonException>(() => ModelJson.Deserialize<ServicePort>("""{"targetPort":1.5}"""));
        Assert.Throws<JsonException>(() => ModelJson.Deserialize<ServicePort>("""{"targetPort":true}"""));
    }

    [Fact]
    public void QuantityKeepsItsText()
    {
        var r = ModelJson.Deserialize<ResourceRequirements>("""{"limits":{"cpu":0.5,"memory":"1Gi","big":1e3}}""")!;
        Assert.Equal("0.5", r.Limits!["cpu"].Value);
        Assert.True(r.Limits["cpu"].IsNumber);
        Assert.Equal("""{"limits":{"cpu":0.5,"memory":"1Gi","big":1e3}}""", ModelJson.Serialize(r));
        r.Limits["memory"] = "2Gi";
        Assert.Contains("\"memory\":\"2Gi\"", ModelJson.Serialize(r), StringComparison.Ordinal);
    }

    [Fact]
    public void BytesAreBase64()
    {
        var secret = ModelJson.Deserialize<Secret>("""{"data":{"k":"aGk="}}""")!;
        Assert.Equal("hi"u8.ToArray(), secret.Data!["k"]);
        Assert.Equal("""{"data":{"k":"aGk="}}""", ModelJson.Serialize(secret));
    }

    [Fact]
    public void KindsExposeTheirIdentity()
    {
        Assert.Equal(typeof(Pod), ModelJson.TypeFor("v1", "Pod"));
        Assert.Equal(typeof(Apps.V1.Deployment), ModelJson.TypeFor("apps/v1", "Deployment"));
        Assert.Equal(typeof(Meta.V1.DeleteOptions), ModelJson.TypeFor("batch/v1", "DeleteOptions"));
        Assert.Null(ModelJson.TypeFor("example.com/v1", "Widget"));
        Assert.True(typeof(IKubernetesKind).IsAssignableFrom(typeof(Pod)));
        Assert.True(typeof(IMetadataObject).IsAssignableFrom(typeof(Pod)));
        Assert.False(typeof(IMetadataObject).IsAssignableFrom(typeof(PodList)));
    }
}
