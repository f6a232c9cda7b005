namespace Shim.Api.Apply;

/// <summary>Upstream's handleAtom order: an atom that may be a map is walked as a map, else as a scalar, else as a list.</summary>
internal static class AtomShapes
{
    public static AtomShape Handler(this AtomShape shape) =>
        (shape & AtomShape.Map) != 0 ? AtomShape.Map : (shape & AtomShape.Scalar) != 0 ? AtomShape.Scalar : AtomShape.List;
}
