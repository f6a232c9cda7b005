namespace Shim.Api.Resources;

/// <summary>Every served resource, looked up by group/version/resource; groups in discovery priority order.</summary>
public sealed class ResourceRegistry
{
    private readonly Dictionary<(string Group, string Version, string Resource), ResourceDefinition> _byResource = [];

    public ResourceRegistry(IEnumerable<ResourceDefinition> definitions)
    {
        All = definitions.ToList();
        foreach (var d in All)
        {
            _byResource[(d.Group, d.Version, d.Resource)] = d;
        }

        // Core first, then named groups in the order they were registered (their discovery priority).
        Groups = All.Select(d => d.Group).Distinct().ToList();
    }

    public IReadOnlyList<ResourceDefinition> All { get; }

    public IReadOnlyList<string> Groups { get; }

    public ResourceDefinition? Find(string group, string version, string resource) => _byResource.GetValueOrDefault((group, version, resource));

    public IEnumerable<string> VersionsOf(string group) => All.Where(d => d.Group == group).Select(d => d.Version).Distinct();

    public IEnumerable<ResourceDefinition> In(string group, string version) => All.Where(d => d.Group == group && d.Version == version);

    public ResourceDefinition Get(string group, string resource) => All.First(d => d.Group == group && d.Resource == resource);
}
