using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.ReplicaSets;

/// <summary>
/// Adoption and release of objects by a controller, as upstream's ControllerRefManager: an orphan that matches the
/// owner's selector is adopted (unless it or the owner is being deleted); an object the owner controls but no longer
/// selects is released. Both are strategic merge patches of ownerReferences keyed by uid, carrying the object's uid
/// so a patch never lands on a recreated namesake.
/// </summary>
public sealed class ControllerClaims<TOwner>
    where TOwner : class, IKubernetesKind, IMetadataObject
{
    private readonly KubeClient _client;
    private readonly TOwner _owner;
    private Task<bool>? _canAdopt;

    public ControllerClaims(KubeClient client, TOwner owner)
    {
        _client = client;
        _owner = owner;
    }

    /// <summary>True when the object is (now) controlled by the owner.</summary>
    public async Task<bool> ClaimAsync<T>(T item, bool selected, CancellationToken cancellationToken)
        where T : class, IKubernetesKind, IMetadataObject
    {
        var meta = item.Metadata!;
        var owner = _owner.Metadata!;
        var controller = OwnerReferences.ControllerOf(meta);
        if (controller is not null)
        {
            if (controller.Uid != owner.Uid)
            {
                return false;
            }

            if (selected)
            {
                return true;
            }

            if (owner.DeletionTimestamp is null)
            {
                await PatchAsync(item, ReleasePatch(meta), cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        if (!selected || owner.DeletionTimestamp is not null || meta.DeletionTimestamp is not null || meta.Namespace != owner.Namespace)
        {
            return false;
        }

        // Like upstream, adopt only when a fresh read shows the owner still exists and is not being deleted.
        _canAdopt ??= OwnerStillLiveAsync(cancellationToken);
        if (!await _canAdopt.ConfigureAwait(false))
        {
            return false;
        }

        return await PatchAsync(item, AdoptPatch(meta), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> OwnerStillLiveAsync(CancellationToken cancellationToken)
    {
        var meta = _owner.Metadata!;
        var fresh = await _client.GetAsync<TOwner>(ResourcePath.For<TOwner>(meta.Namespace, meta.Name), cancellationToken).ConfigureAwait(false);
        return fresh?.Metadata?.Uid == meta.Uid && fresh?.Metadata?.DeletionTimestamp is null;
    }

    private async Task<bool> PatchAsync<T>(T item, string patch, CancellationToken cancellationToken)
        where T : class, IKubernetesKind, IMetadataObject
    {
        try
        {
            await _client.PatchAsync<T>(ResourcePath.For<T>(item.Metadata!.Namespace, item.Metadata.Name), KubeClient.StrategicMergePatch, patch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ApiError e) when (e.IsNotFound)
        {
            // Gone meanwhile: nothing to claim.
            return false;
        }
    }

    private string AdoptPatch(ObjectMeta meta)
    {
        var reference = OwnerReferences.ControllerReference(_owner);
        var entry = new JsonObject
        {
            ["apiVersion"] = reference.ApiVersion,
            ["kind"] = reference.Kind,
            ["name"] = reference.Name,
            ["uid"] = reference.Uid,
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        };
        return new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = new JsonArray(entry), ["uid"] = meta.Uid } }.ToJsonString();
    }

    private string ReleasePatch(ObjectMeta meta)
    {
        var entry = new JsonObject { ["$patch"] = "delete", ["uid"] = _owner.Metadata!.Uid };
        return new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = new JsonArray(entry), ["uid"] = meta.Uid } }.ToJsonString();
    }
}
