namespace Shim.Api.Apply;

/// <summary>What a path element selects; the order is the sort order of elements of different kinds.</summary>
public enum PathElementKind
{
    /// <summary>A field of a struct or a key of a map: <c>f:name</c>.</summary>
    Field = 0,

    /// <summary>An item of a map-typed list, by its key fields: <c>k:{"name":"x"}</c>.</summary>
    Key = 1,

    /// <summary>An item of a set-typed list, by its value: <c>v:"x"</c>.</summary>
    Value = 2,

    /// <summary>An item of a list by position: <c>i:0</c> (never produced for atomic lists, which are leaves).</summary>
    Index = 3,
}
