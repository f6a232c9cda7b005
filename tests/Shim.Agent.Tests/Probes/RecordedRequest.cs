namespace Shim.Agent.Tests.Probes;

/// <summary>What <see cref="LoopbackHttpServer"/> saw of one request (copied: Kestrel reuses its request objects).</summary>
internal sealed record RecordedRequest(string Path, string Host, IReadOnlyDictionary<string, string> Headers)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
