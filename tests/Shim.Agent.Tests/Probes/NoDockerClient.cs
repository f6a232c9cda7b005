using System.Reflection;
using Shim.Docker;

namespace Shim.Agent.Tests.Probes;

/// <summary>An <see cref="IDockerClient"/> for probes that must not touch Docker (httpGet, tcpSocket): every call fails the test.</summary>
public class NoDockerClient : DispatchProxy
{
    public static IDockerClient Create() => Create<IDockerClient, NoDockerClient>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException($"this probe must not call Docker ({targetMethod?.Name})");
}
