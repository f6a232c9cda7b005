using System.Text.Json;

namespace Shim.Model.Tests;

/// <summary>
/// Real objects (the bodies kubectl sent, and hand-written objects using most fields of the common kinds)
/// deserialize into the generated model with every field bound, and serialize back to the same JSON.
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string, int> Objects()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, index, _) in AllObjects().Where(o => o.Type is not null))
            data.Add(file, index);
        return data;
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void DeserializeAndSerializeGivesTheSameJson(string file, int index)
    {
        var json = Load(file)[index];
        var type = TypeOf(json)!;

        var model = ModelJson.Deserialize(json.GetRawText(), type);
        Assert.NotNull(model);
        Assert.Empty(UnboundFields.Find(model));

        using var output = JsonDocument.Parse(ModelJson.Serialize(model!, type));
        Assert.Null(JsonSemantics.Difference(json, output.RootElement));
    }

    [Fact]
    public void EveryKubectlFixtureOfAServedGroupIsCovered()
    {
        var kubectl = AllObjects().Where(o => o.File.StartsWith("kubectl/", StringComparison.Ordinal)).ToList();
        // Only the alpha/beta SelfSubjectReview captures have kinds outside the model's packages.
        var uncovered = kubectl.Where(o => o.Type is null).Select(o => o.File).ToList();
        Assert.All(uncovered, f => Assert.Matches("selfsubjectreview-v1(alpha|beta)1", f));
        Assert.True(kubectl.Count(o => o.Type is not null) >= 40, "expected the kubectl fixtures to be found");
    }

    [Fact]
    public void HandWrittenFixturesCoverTheNewerFields()
    {
        var pod = ModelJson.Deserialize<Core.V1.Pod>(File.ReadAllText(Path.Combine(RepoPaths.ModelFixtures, "pod-full.json")))!;
        var spec = pod.Spec!;
        Assert.Equal("linux", spec.Os!.Name);
        Assert.False(spec.HostUsers);
        Assert.Equal("example.com/quota", spec.SchedulingGates![0].Name);
        Assert.Equal("Always", spec.InitContainers![1].RestartPolicy);
        Assert.Equal("NotRequired", spec.Containers![0].ResizePolicy![0].RestartPolicy);
        Assert.Equal(["pod-template-hash"], spec.TopologySpreadConstraints![0].MatchLabelKeys!);
        Assert.Equal("Honor", spec.TopologySpreadConstraints[0].NodeAffinityPolicy);
        Assert.Equal("web", spec.EphemeralContainers![0].TargetContainerName);
        Assert.Equal(8080, spec.Containers[0].LivenessProbe!.HttpGet!.Port!.Value.IntValue);
        Assert.Equal("http", spec.Containers[0].ReadinessProbe!.HttpGet!.Port!.Value.StringValue);
        Assert.Equal("100m", spec.Containers[0].Resources!.Requests!["cpu"].Value);
        Assert.True(spec.Containers[0].Resources!.Limits!["cpu"].IsNumber);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), pod.Metadata!.CreationTimestamp);
        Assert.Equal(JsonValueKind.Object, pod.Metadata.ManagedFields![0].FieldsV1!.Value.ValueKind);

        var job = ModelJson.Deserialize<Batch.V1.Job>(File.ReadAllText(Path.Combine(RepoPaths.ModelFixtures, "job-full.json")))!;
        Assert.Equal([42, 43], job.Spec!.PodFailurePolicy!.Rules![0].OnExitCodes!.Values!);
        Assert.Equal("DisruptionTarget", job.Spec.PodFailurePolicy.Rules[1].OnPodConditions![0].Type);

        var crd = ModelJson.Deserialize<ApiExtensions.V1.CustomResourceDefinition>(File.ReadAllText(Path.Combine(RepoPaths.ModelFixtures, "crd-full.json")))!;
        var props = crd.Spec!.Versions![0].Schema!.OpenAPIV3Schema!.Properties!["spec"].Properties!;
        Assert.True(props["port"].XKubernetesIntOrString);
        Assert.False(props["strict"].AdditionalProperties!.Allows);
        Assert.Equal("string", props["labels"].AdditionalProperties!.Schema!.Type);
        Assert.Equal(2, props["tuple"].Items!.JSONSchemas!.Count);
        Assert.Equal(["b"], props["deps"].Dependencies!["a"].Property!);
        Assert.Equal(JsonValueKind.Null, props["color"].Enum![2].ValueKind);
        Assert.Equal("ca-bundle"u8.ToArray(), crd.Spec.Conversion!.Webhook!.ClientConfig!.CaBundle);
    }

    internal static IEnumerable<(string File, int Index, Type? Type)> AllObjects()
    {
        foreach (var path in Directory.GetFiles(RepoPaths.KubectlFixtures, "*.json").Order(StringComparer.Ordinal))
            yield return ("kubectl/" + Path.GetFileName(path), 0, TypeOf(Load("kubectl/" + Path.GetFileName(path))[0]));
        foreach (var path in Directory.GetFiles(RepoPaths.ModelFixtures, "*.json").Order(StringComparer.Ordinal))
        {
            var name = "model/" + Path.GetFileName(path);
            var objects = Load(name);
            for (var i = 0; i < objects.Count; i++)
                yield return (name, i, TypeOf(objects[i]));
        }
    }

    /// <summary>The objects of a fixture file (a file holds one object or an array of them).</summary>
    internal static List<JsonElement> Load(string file)
    {
        var dir = file.StartsWith("kubectl/", StringComparison.Ordinal) ? RepoPaths.KubectlFixtures : RepoPaths.ModelFixtures;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, file[(file.IndexOf('/', StringComparison.Ordinal) + 1)..])));
        var root = doc.RootElement.Clone();
        return root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : [root];
    }

    private static Type? TypeOf(JsonElement obj) =>
        ModelJson.TypeFor(obj.GetProperty("apiVersion").GetString()!, obj.GetProperty("kind").GetString()!);
}
