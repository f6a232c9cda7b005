using Shim.Client;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Networking.V1;

namespace Shim.Client.Tests;

public sealed class ResourcePathTests
{
    [Theory]
    [InlineData("Pod", "pods")]
    [InlineData("Endpoints", "endpoints")]
    [InlineData("Ingress", "ingresses")]
    [InlineData("NetworkPolicy", "networkpolicies")]
    [InlineData("StorageClass", "storageclasses")]
    [InlineData("ComponentStatus", "componentstatuses")]
    [InlineData("Lease", "leases")]
    public void Plural_follows_the_built_in_resource_names(string kind, string resource) =>
        Assert.Equal(resource, ResourcePath.Plural(kind));

    [Fact]
    public void Paths_of_core_and_group_kinds_namespaced_or_not()
    {
        Assert.Equal("/api/v1/pods", ResourcePath.For<Pod>().ToString());
        Assert.Equal("/api/v1/namespaces/ns1/pods/web/status", ResourcePath.For<Pod>("ns1", "web", "status").ToString());
        Assert.Equal("/api/v1/nodes/h1", ResourcePath.For<Node>(name: "h1").ToString());
        Assert.Equal("/apis/apps/v1/namespaces/a%20b/deployments", ResourcePath.For<Deployment>("a b").ToString());
        Assert.Equal("/apis/networking.k8s.io/v1/ingresses", ResourcePath.For<Ingress>().ToString());
    }

    [Fact]
    public void List_queries_escape_selectors_and_skip_empty_ones()
    {
        Assert.Equal("?labelSelector=app%3Dweb%2Ctier%21%3Dfront", new ListQuery("app=web,tier!=front").ToQueryString());
        Assert.Equal("?fieldSelector=spec.nodeName%3Dh1&watch=true", new ListQuery(FieldSelector: "spec.nodeName=h1").ToQueryString(("watch", "true"), ("resourceVersion", null)));
        Assert.Equal("", ListQuery.All.ToQueryString());
    }
}
