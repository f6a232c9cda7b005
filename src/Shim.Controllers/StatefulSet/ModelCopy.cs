using Shim.Model;

namespace Shim.Controllers.StatefulSet;

/// <summary>Deep copies of model objects (cache objects are shared and must never be changed in place).</summary>
internal static class ModelCopy
{
    public static T Clone<T>(T value)
        where T : class =>
        ModelJson.Deserialize<T>(ModelJson.Serialize(value))!;
}
