namespace Shim.Client;

/// <summary>A list response: the items and the list's resourceVersion (where a watch continues).</summary>
public sealed record ObjectList<T>(IReadOnlyList<T> Items, string ResourceVersion);
