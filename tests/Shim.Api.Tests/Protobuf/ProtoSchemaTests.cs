using Shim.Api.Protobuf;
using Xunit;

namespace Shim.Api.Tests.Protobuf;

/// <summary>Sanity of the embedded schema data generated from upstream generated.proto (openapi/protobuf).</summary>
public sealed class ProtoSchemaTests
{
    [Fact]
    public void EveryReferencedMessageIsDefined()
    {
        var schema = ProtoSchema.Shared;
        var missing = schema.Messages
            .SelectMany(m => m.Fields.Select(f => (m.Name, f)))
            .Where(x => x.f.Type.IsMessage && schema.Find(x.f.Type.Message!) is null)
            .Select(x => $"{x.Name}.{x.f.JsonName} -> {x.f.Type.Message}")
            .ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("", "v1", "k8s.io.api.core.v1")]
    [InlineData("apps", "v1", "k8s.io.api.apps.v1")]
    [InlineData("batch", "v1", "k8s.io.api.batch.v1")]
    [InlineData("autoscaling", "v1", "k8s.io.api.autoscaling.v1")]
    [InlineData("autoscaling", "v2", "k8s.io.api.autoscaling.v2")]
    [InlineData("policy", "v1", "k8s.io.api.policy.v1")]
    [InlineData("networking.k8s.io", "v1", "k8s.io.api.networking.v1")]
    [InlineData("discovery.k8s.io", "v1", "k8s.io.api.discovery.v1")]
    [InlineData("rbac.authorization.k8s.io", "v1", "k8s.io.api.rbac.v1")]
    [InlineData("coordination.k8s.io", "v1", "k8s.io.api.coordination.v1")]
    [InlineData("storage.k8s.io", "v1", "k8s.io.api.storage.v1")]
    [InlineData("scheduling.k8s.io", "v1", "k8s.io.api.scheduling.v1")]
    [InlineData("authentication.k8s.io", "v1", "k8s.io.api.authentication.v1")]
    [InlineData("authorization.k8s.io", "v1", "k8s.io.api.authorization.v1")]
    [InlineData("apiextensions.k8s.io", "v1", "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1")]
    [InlineData("meta.k8s.io", "v1", "k8s.io.apimachinery.pkg.apis.meta.v1")]
    public void GroupVersionsMapToPackages(string group, string version, string package) =>
        Assert.Equal(package, ProtoSchema.Shared.PackageFor(group, version));

    [Theory]
    [InlineData("k8s.io.api.core.v1.PodSpec", "os")]
    [InlineData("k8s.io.api.core.v1.PodSpec", "hostUsers")]
    [InlineData("k8s.io.api.core.v1.PodSpec", "schedulingGates")]
    [InlineData("k8s.io.api.core.v1.PodSpec", "resourceClaims")]
    [InlineData("k8s.io.api.core.v1.Container", "resizePolicy")]
    [InlineData("k8s.io.api.core.v1.Container", "restartPolicy")]
    [InlineData("k8s.io.api.policy.v1.Eviction", "deleteOptions")]
    [InlineData("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", "propagationPolicy")]
    [InlineData("k8s.io.api.authentication.v1.BoundObjectReference", "uid")]
    [InlineData("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "x-kubernetes-preserve-unknown-fields")]
    public void RecentFieldsAndJsonNamesArePresent(string message, string jsonName) =>
        Assert.Contains(ProtoSchema.Shared.Find(message)!.Fields, f => f.JsonName == jsonName);
}
