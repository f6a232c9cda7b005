using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

/// <summary>Pod manifests for volume tests: the volumes (and optionally containers) are the part each test writes.</summary>
internal static class TestPods
{
    public const string DefaultContainers = """
        - name: app
          image: busybox
        """;

    public static Pod WithVolumes(string uid, string volumesYaml, string containersYaml = DefaultContainers, string name = "web", string @namespace = "shop") =>
        Manifest.Parse<Pod>($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              namespace: {{@namespace}}
              uid: {{uid}}
              labels: {app: web, tier: "front end"}
              annotations: {note: "say \"hi\"\n"}
            spec:
              nodeName: node-a
              containers:
            {{Indent(containersYaml, "  ")}}
              volumes:
            {{Indent(volumesYaml, "  ")}}
            """);

    private static string Indent(string yaml, string prefix) =>
        string.Join('\n', yaml.TrimEnd().Split('\n').Select(line => prefix + line));
}
