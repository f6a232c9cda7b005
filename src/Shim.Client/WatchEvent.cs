namespace Shim.Client;

/// <summary>One watch event. <see cref="Object"/> is null for BOOKMARK and ERROR (then <see cref="Error"/> is set).</summary>
public sealed record WatchEvent<T>(string Type, T? Object, string? ResourceVersion, Shim.Model.Meta.V1.Status? Error);
