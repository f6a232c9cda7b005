using System.Text.Json.Nodes;
using Shim.Api.Resources;

namespace Shim.Api.Registry;

/// <summary>
/// Storage-side work of one kind around the generic writes, like upstream's BeginCreate / BeginUpdate / AfterDelete
/// store hooks: allocations from shared pools (service IPs, node ports) that must follow the object's life.
/// </summary>
public interface IWriteHooks
{
    bool Handles(ResourceDefinition definition);

    /// <summary>Runs after defaulting, validation and field tracking of a create; may complete the object (allocated values).</summary>
    Task<IWriteTransaction> BeginCreateAsync(JsonObject obj, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Runs after defaulting, validation and field tracking of a main-resource update.</summary>
    Task<IWriteTransaction> BeginUpdateAsync(JsonObject updated, JsonObject current, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Runs once the object has left the store (not on dry runs).</summary>
    Task AfterDeleteAsync(JsonObject deleted, CancellationToken cancellationToken);
}
