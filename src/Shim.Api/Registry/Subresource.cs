namespace Shim.Api.Registry;

public enum Subresource
{
    /// <summary>The main resource: status is kept from the stored object.</summary>
    None,

    /// <summary>/status: only status changes are kept.</summary>
    Status,

    /// <summary>Server-side mutations (binding, finalize): the mutated object is written as produced.</summary>
    Trusted,

    /// <summary>/scale: written as produced, like Trusted; tracked in managedFields under the "scale" subresource.</summary>
    Scale,
}
