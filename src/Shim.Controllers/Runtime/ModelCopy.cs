using Shim.Model;

namespace Shim.Controllers.Runtime;

/// <summary>Deep copies of model objects, so an object from an informer cache is never changed in place.</summary>
public static class ModelCopy
{
    public static T Of<T>(T value)
        where T : class =>
        ModelJson.Deserialize<T>(ModelJson.Serialize(value))!;
}
