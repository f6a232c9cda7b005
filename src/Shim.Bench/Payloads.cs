using System.Text;

namespace Shim.Bench;

/// <summary>Request bodies. Built as UTF-8 bytes from templates so the generator spends no time serializing.</summary>
public static class Payloads
{
    /// <summary>1 KiB of printable filler, the same as redis-benchmark's -d 1024 value size.</summary>
    public static readonly string Filler = new('x', 1024);

    public static byte[] Namespace(string name) =>
        Encoding.UTF8.GetBytes($$$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{{name}}}}","labels":{"bench.shim.io/run":"true"}}}""");

    /// <summary>A ConfigMap carrying ~1 KiB of data.</summary>
    public static byte[] ConfigMap(string name) =>
        Encoding.UTF8.GetBytes($$$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{{name}}}}","labels":{"app":"bench"}},"data":{"payload":"{{{{Filler}}}}"}}""");

    /// <summary>A pod as a Deployment's ReplicaSet would create it: labels, owner-like hash, one container with image, ports and resources.</summary>
    public static byte[] Pod(string name, bool needle)
    {
        var extra = needle ? ",\"needle\":\"yes\"" : "";
        return Encoding.UTF8.GetBytes($$$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{{name}}}}","labels":{"app":"web","tier":"frontend","pod-template-hash":"5d4f8c7b9"{{{{extra}}}}},
            "annotations":{"kubernetes.io/config.source":"api"}},
            "spec":{"containers":[{"name":"web","image":"nginx:1.27.3","imagePullPolicy":"IfNotPresent",
            "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
            "env":[{"name":"POD_ROLE","value":"frontend"}],
            "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},
            "readinessProbe":{"httpGet":{"path":"/healthz","port":80},"periodSeconds":10}}],
            "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default",
            "schedulerName":"default-scheduler","enableServiceLinks":true}}
            """);
    }

    public static byte[] SequencePatch(int sequence) =>
        Encoding.UTF8.GetBytes($$$$"""{"data":{"seq":"{{{{sequence}}}}"}}""");
}
