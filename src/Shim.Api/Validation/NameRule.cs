namespace Shim.Api.Validation;

/// <summary>Which syntax a kind's metadata.name must follow.</summary>
public enum NameRule
{
    Dns1123Subdomain,
    Dns1123Label,
    Dns1035Label,
    PathSegment,
}
