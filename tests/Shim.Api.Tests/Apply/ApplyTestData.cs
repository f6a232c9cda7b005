using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Shim.Api.Json;
using Shim.Api.Schema;

namespace Shim.Api.Tests.Apply;

/// <summary>Objects, schemas and readers of managedFields shared by the apply tests.</summary>
internal static class ApplyTestData
{
    public static readonly DateTimeOffset T0 = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static SchemaNode Deployment => SchemaRegistry.Instance.ForKind("apps", "v1", "Deployment")!;
    public static SchemaNode Pod => SchemaRegistry.Instance.ForKind("", "v1", "Pod")!;
    public static SchemaNode ConfigMap => SchemaRegistry.Instance.ForKind("", "v1", "ConfigMap")!;

    public static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    /// <summary>A deployment as kubectl create sends it, after the server's defaulting and metadata.</summary>
    public static JsonObject CreatedDeployment() => J("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"nginx","namespace":"default","uid":"6d1c","resourceVersion":"1","generation":1,
           "creationTimestamp":"2024-01-02T03:04:05Z","labels":{"app":"nginx"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"nginx"}},
           "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx","resources":{},"terminationMessagePath":"/dev/termination-log",
               "terminationMessagePolicy":"File","imagePullPolicy":"Always"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},
               "schedulerName":"default-scheduler"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
           "revisionHistoryLimit":10,"progressDeadlineSeconds":600},
         "status":{}}
        """);

    /// <summary>The managedFields kube-apiserver records for that create.</summary>
    public const string CreatedDeploymentFields =
        """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}""";

    /// <summary>The server-side apply configuration of the upstream documentation's nginx deployment.</summary>
    public static JsonObject AppliedDeployment(int replicas = 2, string image = "nginx:1.14.2") => J("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default","labels":{"app":"nginx"}},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"nginx"}},
           "template":{"metadata":{"labels":{"app":"nginx"}},
             "spec":{"containers":[{"name":"nginx","image":"IMAGE","ports":[{"containerPort":80}]}]}}}}
        """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("IMAGE", image));

    public const string AppliedDeploymentFields =
        """{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}""";

    public sealed record Entry(string? Manager, string Operation, string ApiVersion, string? Time, string Fields, string? Subresource)
    {
        public override string ToString() => $"{Manager}/{Operation}/{ApiVersion}/{Subresource}@{Time} {Fields}";
    }

    public static List<Entry> Entries(JsonObject obj) =>
        (obj.At("metadata", "managedFields") as JsonArray ?? []).OfType<JsonObject>().Select(e => new Entry(
            e.Str("manager"), e.Str("operation")!, e.Str("apiVersion")!, e.Str("time"),
            FieldSet.FromFieldsV1(e["fieldsV1"]).ToJsonString(), e.Str("subresource"))).ToList();

    public static Entry Single(JsonObject obj, string manager, string operation = "Update") =>
        Entries(obj).Single(e => e.Manager == manager && e.Operation == operation);

    /// <summary>A stored object: what an update returned, with a uid as the registry gives it.</summary>
    public static JsonObject Stored(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Metadata()["uid"] ??= "6d1c";
        return copy;
    }

    public static JsonObject Edit(JsonObject obj, Action<JsonObject> change)
    {
        var copy = (JsonObject)obj.DeepClone();
        change(copy);
        return copy;
    }
}
