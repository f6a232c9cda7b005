namespace Shim.Agent.Tests.Pods;

[CollectionDefinition(Name)]
public sealed class DockerPodsCollection : ICollectionFixture<DockerPodsFixture>
{
    public const string Name = "docker pods";
}
