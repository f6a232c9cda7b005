namespace Shim.Api.Security;

/// <summary>The authenticated caller.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups);
