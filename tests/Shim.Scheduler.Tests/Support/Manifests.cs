using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Model;
using Shim.Model.Core.V1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shim.Scheduler.Tests.Support;

/// <summary>Reads test objects from YAML manifests through the model's JSON options, as the API would.</summary>
public static class Manifests
{
    public static Pod Pod(string yaml) => Read<Pod>(yaml);

    public static Node Node(string yaml) => Read<Node>(yaml);

    public static Namespace Namespace(string yaml) => Read<Namespace>(yaml);

    /// <summary>A ready node with the given allocatable and labels (name doubles as kubernetes.io/hostname).</summary>
    public static Node NodeNamed(string name, string cpu = "4", string memory = "8Gi", int pods = 110, string labels = "")
    {
        var labelLines = string.Join("", labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=')).Select(kv => $"\n    {kv[0]}: \"{kv[1]}\""));
        return Node($"""
            apiVersion: v1
            kind: Node
            metadata:
              name: {name}
              labels:
                kubernetes.io/hostname: {name}{labelLines}
            status:
              allocatable:
                cpu: "{cpu}"
                memory: {memory}
                pods: "{pods.ToString(CultureInfo.InvariantCulture)}"
                ephemeral-storage: 100Gi
            """);
    }

    /// <summary>A pod with one container requesting the given cpu/memory ("" leaves the request out).</summary>
    public static Pod PodNamed(string name, string cpu = "", string memory = "", string labels = "", string nodeName = "", string ns = "default")
    {
        var requests = new List<string>();
        if (cpu.Length > 0)
            requests.Add($"cpu: {cpu}");
        if (memory.Length > 0)
            requests.Add($"memory: {memory}");
        var resources = requests.Count == 0 ? "{}" : "\n        requests: {" + string.Join(", ", requests) + "}";
        var labelMap = "{" + string.Join(", ", labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=')).Select(kv => $"{kv[0]}: \"{kv[1]}\"")) + "}";
        var nodeLine = nodeName.Length > 0 ? $"\n  nodeName: {nodeName}" : "";
        return Pod($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
              namespace: {ns}
              labels: {labelMap}
            spec:{nodeLine}
              containers:
              - name: app
                image: nginx
                resources: {resources}
            """);
    }

    public static T Read<T>(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents[0].RootNode);
        return ModelJson.Deserialize<T>(json!.ToJsonString()) ?? throw new InvalidOperationException("empty manifest");
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    // Plain scalars follow YAML's core schema (numbers, booleans, null); quoted ones stay strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (text is "" or "null" or "~")
            return null;
        if (text is "true" or "false")
            return JsonValue.Create(text == "true");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        return JsonValue.Create(text);
    }
}
