namespace Shim.Conformance.Lab;

/// <summary>Pod manifests the lab tests share. Images are the ones loaded on every lab host; there is no registry.</summary>
public static class LabManifests
{
    public const string Busybox = "shim/busybox:1.35";

    /// <summary>Whether <paramref name="address"/> is in the default service CIDR, 10.96.0.0/12.</summary>
    public static bool IsServiceAddress(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip) && System.Net.IPNetwork.Parse("10.96.0.0/12").Contains(ip);

    /// <summary>
    /// A pod with one busybox container "app" sleeping forever. <paramref name="spec"/> is extra pod spec YAML at the
    /// spec's indentation (two spaces), e.g. "  nodeSelector: {kubernetes.io/hostname: h2}".
    /// </summary>
    public static string Sleeper(string name, string spec = "", string labels = "{}") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, labels: {{labels}}}
        spec:
          terminationGracePeriodSeconds: 1
        {{spec}}
          containers:
          - name: app
            image: {{Busybox}}
            imagePullPolicy: IfNotPresent
            command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        """;

    /// <summary>A Deployment of sleepers labelled app=NAME; <paramref name="spec"/> is extra deployment spec YAML (two spaces).</summary>
    public static string SleeperDeployment(string name, int replicas, string spec = "", string podSpec = "") => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
        {{{spec}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec:
              terminationGracePeriodSeconds: 1
        {{{podSpec}}}
              containers:
              - name: app
                image: {{{Busybox}}}
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
        """;
}
