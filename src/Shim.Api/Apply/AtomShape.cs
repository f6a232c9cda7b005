namespace Shim.Api.Apply;

/// <summary>The shapes a schema admits at a place; a value is handled as a map first, then a scalar, then a list.</summary>
[Flags]
internal enum AtomShape
{
    Scalar = 1,
    List = 2,
    Map = 4,
}
