namespace Shim.Api.Registry;

public enum PropagationPolicy
{
    Unset,
    Background,
    Foreground,
    Orphan,
}

/// <summary>The parts of meta/v1 DeleteOptions the registry acts on.</summary>
public sealed record DeleteOptions(long? GracePeriodSeconds, string? PreconditionUid, string? PreconditionResourceVersion,
    PropagationPolicy Propagation, bool DryRun)
{
    public static readonly DeleteOptions Default = new(null, null, null, PropagationPolicy.Unset, false);
}
