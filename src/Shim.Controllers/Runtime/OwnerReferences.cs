using Shim.Model;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Runtime;

/// <summary>Reading and writing ownerReferences the way controllers use them (the one with controller: true).</summary>
public static class OwnerReferences
{
    public static OwnerReference? ControllerOf(ObjectMeta? meta) =>
        meta?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    public static bool IsControlledBy(ObjectMeta? meta, ObjectMeta owner) =>
        ControllerOf(meta) is { } reference && reference.Uid == owner.Uid;

    /// <summary>The reference a controller puts on what it creates: controller and blockOwnerDeletion set.</summary>
    public static OwnerReference ControllerReference<T>(T owner)
        where T : IKubernetesKind, IMetadataObject =>
        new()
        {
            ApiVersion = T.GroupVersionKind.ApiVersion,
            Kind = T.GroupVersionKind.Kind,
            Name = owner.Metadata!.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
}
