namespace Shim.Api.Apply;

/// <summary>The kinds of values structured-merge-diff distinguishes; ints and floats are kept apart as upstream does.</summary>
internal enum ValueKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
}
