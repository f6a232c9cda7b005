using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shim.Model;
using YamlDotNet.RepresentationModel;

namespace Shim.Agent.Tests.Inputs;

/// <summary>Kubernetes objects written as YAML manifests (YAML 1.1 like kubectl: 0644 is octal), read with ModelJson.</summary>
internal static partial class Manifest
{
    public static T Parse<T>(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents[0].RootNode);
        return ModelJson.Deserialize<T>(json!.ToJsonString()) ?? throw new InvalidOperationException("empty manifest");
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" or "~" or "" => null,
            _ when OctalNumber().IsMatch(text) => JsonValue.Create(Convert.ToInt64(text, 8)),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex("^0[0-7]+$")]
    private static partial Regex OctalNumber();
}
