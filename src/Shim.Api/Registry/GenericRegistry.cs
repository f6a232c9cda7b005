using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Resources;
using Shim.Api.Validation;
using Shim.Api.Watch;
using Shim.Storage;

namespace Shim.Api.Registry;

/// <summary>
/// The one generic store behind every resource: create, update (compare-and-swap with retry), delete with
/// finalizers and graceful deletion, and the metadata rules every kind shares. Per-kind behaviour comes from
/// <see cref="ResourceDefinition"/> and, for kinds that allocate from shared pools, from an <see cref="IWriteHooks"/>.
/// Writes go to the store; reads come from the watch cache.
/// </summary>
public sealed class GenericRegistry(IStore store, WatchCacheHub cache, ResourceRegistry resources, TimeProvider clock, IEnumerable<IWriteHooks>? hooks = null)
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int MaxRetries = 16;
    private static readonly string[] ImmortalNamespaces = ["default", "kube-system", "kube-public"];
    private readonly IWriteHooks[] _hooks = hooks?.ToArray() ?? [];

    public WatchCacheHub Cache => cache;
    public ResourceRegistry Resources => resources;

    /// <param name="manager">The field manager recorded in managedFields; null for writes that maintain them themselves (apply).</param>
    public async Task<JsonObject> CreateAsync(ResourceDefinition def, JsonObject obj, bool dryRun, CancellationToken cancellationToken, string? manager = null)
    {
        var meta = obj.Metadata();
        var ns = def.Namespaced ? meta.Str("namespace") : null;
        if (!def.Namespaced)
        {
            meta.Remove("namespace");
        }

        if (!string.IsNullOrEmpty(meta.Str("resourceVersion")))
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var generated = false;
        if (string.IsNullOrEmpty(meta.Str("name")) && meta.Str("generateName") is { Length: > 0 } prefix)
        {
            meta["name"] = GenerateName(prefix);
            generated = true;
        }

        var name = meta.Str("name") ?? "";
        var metadataErrors = MetadataValidator.Validate(def, obj);
        if (metadataErrors.Count > 0)
        {
            throw ApiException.Invalid(def.Group, def.Kind, name, metadataErrors);
        }

        if (ns is not null)
        {
            await EnsureNamespaceAcceptsAsync(def, ns, name, cancellationToken).ConfigureAwait(false);
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Timestamp(clock.GetUtcNow());
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        if (def.TracksGeneration)
        {
            meta["generation"] = 1;
        }
        else
        {
            meta.Remove("generation");
        }

        if (def.ResetStatusOnCreate)
        {
            obj.Remove("status");
        }

        def.PrepareForCreate?.Invoke(obj);
        Defaulting.Defaulter.Apply(def, obj);
        var errors = Validation.Kinds.KindValidator.Validate(def, obj, null);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(def.Group, def.Kind, name, errors);
        }

        if (manager is not null)
        {
            obj = TrackFields(def, null, obj, manager, Subresource.None);
        }

        // Allocations (service IPs, node ports) come after field tracking: as upstream, nobody owns allocated values.
        var transaction = HooksFor(def) is { } hook ? await hook.BeginCreateAsync(obj, dryRun, cancellationToken).ConfigureAwait(false) : NoWriteTransaction.Instance;
        var committed = false;
        try
        {
            if (dryRun)
            {
                return obj;
            }

            var result = await store.CreateAsync(def.Key(ns, name), Serialize(obj), cancellationToken).ConfigureAwait(false);
            if (result.Status == WriteStatus.AlreadyExists)
            {
                throw generated
                    ? new ApiException(409, "AlreadyExists", $"{def.GroupResource} \"{name}\" already exists, the server was not able to generate a unique name for the object", name, def.Group, def.Resource, retryAfterSeconds: 1)
                    : ApiException.AlreadyExists(def.Group, def.Resource, name);
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            committed = true;
            return WithRevision(obj, result.Revision);
        }
        finally
        {
            if (!committed)
            {
                await transaction.RevertAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the stored object, lets <paramref name="mutate"/> produce the desired one, and writes it with
    /// compare-and-swap, retrying on a concurrent write unless the desired object pins a resourceVersion.
    /// </summary>
    public async Task<JsonObject> UpdateAsync(ResourceDefinition def, string? ns, string name, Subresource subresource, bool dryRun,
        Func<JsonObject, JsonObject> mutate, CancellationToken cancellationToken, string? manager = null)
    {
        var key = def.Key(ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound(def.Group, def.Resource, name);
            var current = Decode(entry);
            var desired = mutate((JsonObject)current.DeepClone());
            var pinned = desired.Str("metadata", "resourceVersion");
            if (!string.IsNullOrEmpty(pinned) && pinned != current.Str("metadata", "resourceVersion"))
            {
                throw ApiException.StaleConflict(def.Group, def.Resource, name);
            }

            var updated = PrepareUpdate(def, current, desired, subresource);
            if (manager is not null)
            {
                updated = TrackFields(def, current, updated, manager, subresource);
            }

            var finalized = IsFinalized(def, updated);
            var transaction = subresource == Subresource.None && !finalized && HooksFor(def) is { } hook
                ? await hook.BeginUpdateAsync(updated, current, dryRun, cancellationToken).ConfigureAwait(false)
                : NoWriteTransaction.Instance;
            var committed = false;
            try
            {
                if (JsonNode.DeepEquals(updated, current))
                {
                    return current;
                }

                if (finalized)
                {
                    if (dryRun)
                    {
                        return updated;
                    }

                    var removed = await store.DeleteAsync(key, entry.ModRevision, cancellationToken).ConfigureAwait(false);
                    if (removed.Succeeded)
                    {
                        await AfterDeleteAsync(def, current).ConfigureAwait(false);
                        return WithRevision(updated, removed.Revision);
                    }
                }
                else
                {
                    if (dryRun)
                    {
                        return updated;
                    }

                    var result = await store.UpdateAsync(key, Serialize(updated), entry.ModRevision, cancellationToken).ConfigureAwait(false);
                    if (result.Succeeded)
                    {
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                        committed = true;
                        return WithRevision(updated, result.Revision);
                    }

                    if (result.Status == WriteStatus.NotFound)
                    {
                        throw ApiException.NotFound(def.Group, def.Resource, name);
                    }
                }
            }
            finally
            {
                if (!committed)
                {
                    await transaction.RevertAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (!string.IsNullOrEmpty(pinned) || attempt >= MaxRetries)
            {
                throw ApiException.StaleConflict(def.Group, def.Resource, name);
            }
        }
    }

    public async Task<DeleteResult> DeleteAsync(ResourceDefinition def, string? ns, string name, DeleteOptions options, CancellationToken cancellationToken)
    {
        if (def.Resource == "namespaces" && def.Group.Length == 0 && ImmortalNamespaces.Contains(name))
        {
            throw ApiException.Forbidden(def.Group, def.Resource, name, "this namespace may not be deleted");
        }

        var key = def.Key(ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound(def.Group, def.Resource, name);
            var current = Decode(entry);
            CheckPreconditions(def, name, current, options);
            var (pending, next) = PlanDeletion(def, current, options);
            if (pending)
            {
                if (options.DryRun || JsonNode.DeepEquals(next, current))
                {
                    return new DeleteResult(next, false);
                }

                var updated = await store.UpdateAsync(key, Serialize(next), entry.ModRevision, cancellationToken).ConfigureAwait(false);
                if (updated.Succeeded)
                {
                    return new DeleteResult(WithRevision(next, updated.Revision), false);
                }
            }
            else
            {
                if (options.DryRun)
                {
                    return new DeleteResult(current, true);
                }

                var removed = await store.DeleteAsync(key, entry.ModRevision, cancellationToken).ConfigureAwait(false);
                if (removed.Succeeded)
                {
                    await AfterDeleteAsync(def, current).ConfigureAwait(false);
                    return new DeleteResult(current, true);
                }
            }

            if (attempt >= MaxRetries)
            {
                throw ApiException.StaleConflict(def.Group, def.Resource, name);
            }
        }
    }

    private IWriteHooks? HooksFor(ResourceDefinition def) => Array.Find(_hooks, h => h.Handles(def));

    /// <summary>Releases what the removed object held; the client's request is over, so it is not cancelled with it.</summary>
    private Task AfterDeleteAsync(ResourceDefinition def, JsonObject removed) =>
        HooksFor(def)?.AfterDeleteAsync(removed, CancellationToken.None) ?? Task.CompletedTask;

    /// <summary>The stored object with its resourceVersion, read from the store (not the cache).</summary>
    public async Task<JsonObject?> GetFromStoreAsync(ResourceDefinition def, string? ns, string name, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(def.Key(ns, name), cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Decode(entry);
    }

    /// <summary>Brings metadata.managedFields up to date for a non-apply write by <paramref name="manager"/>.</summary>
    private JsonObject TrackFields(ResourceDefinition def, JsonObject? current, JsonObject updated, string manager, Subresource subresource)
    {
        var sub = subresource switch { Subresource.Status => "status", Subresource.Scale => "scale", _ => null };
        var schema = def.Schema;
        var result = Apply.ManagedFieldsUpdater.OnUpdate(current, updated, manager, sub, def.ApiVersion, clock.GetUtcNow(), schema,
            Apply.ResetFields.For(def.Group, def.Kind, sub, def.HasStatus));
        if (updated.Str("metadata", "resourceVersion") is { } rv)
        {
            result.Metadata()["resourceVersion"] = rv;
        }

        return result;
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private JsonObject PrepareUpdate(ResourceDefinition def, JsonObject current, JsonObject desired, Subresource subresource)
    {
        JsonObject updated;
        if (subresource == Subresource.Status)
        {
            // /status changes status only.
            updated = (JsonObject)current.DeepClone();
            updated["status"] = desired["status"]?.DeepClone();
            if (updated["status"] is null)
            {
                updated.Remove("status");
            }
        }
        else if (subresource is Subresource.Trusted or Subresource.Scale)
        {
            updated = desired;
        }
        else
        {
            updated = desired;
            if (def.HasStatus)
            {
                updated["status"] = current["status"]?.DeepClone();
                if (updated["status"] is null)
                {
                    updated.Remove("status");
                }
            }

            var meta = updated.Metadata();
            var oldMeta = current.Metadata();
            var name = oldMeta.Str("name") ?? "";
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "generateName" })
            {
                if (oldMeta[field] is { } value)
                {
                    meta[field] = value.DeepClone();
                }
                else
                {
                    meta.Remove(field);
                }
            }

            meta.Remove("selfLink");
            def.PrepareForUpdate?.Invoke(updated, current);
            Defaulting.Defaulter.Apply(def, updated);
            var errors = MetadataValidator.Validate(def, updated);
            errors.AddRange(Validation.Kinds.KindValidator.Validate(def, updated, current));
            if (oldMeta["deletionTimestamp"] is not null && AddsFinalizer(oldMeta, meta))
            {
                errors.Add(FieldError.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted"));
            }

            if (errors.Count > 0)
            {
                throw ApiException.Invalid(def.Group, def.Kind, name, errors);
            }

            if (def.TracksGeneration && !JsonNode.DeepEquals(WithoutMetaAndStatus(current), WithoutMetaAndStatus(updated)))
            {
                meta["generation"] = (oldMeta.Long("generation") ?? 0) + 1;
            }
        }

        // The stored resourceVersion is the store's revision; compare objects without it.
        updated.Metadata()["resourceVersion"] = current.Str("metadata", "resourceVersion");
        return updated;
    }

    private static bool AddsFinalizer(JsonObject oldMeta, JsonObject newMeta)
    {
        var before = (oldMeta["finalizers"] as JsonArray)?.Select(f => f?.ToString()).ToHashSet() ?? [];
        return (newMeta["finalizers"] as JsonArray)?.Any(f => !before.Contains(f?.ToString())) ?? false;
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in obj)
        {
            if (k is not ("metadata" or "status" or "kind" or "apiVersion"))
            {
                copy[k] = v?.DeepClone();
            }
        }

        return copy;
    }

    /// <summary>An object being deleted whose last finalizer is gone (and whose grace period is over) leaves the store.</summary>
    private static bool IsFinalized(ResourceDefinition def, JsonObject obj)
    {
        if (obj.At("metadata", "deletionTimestamp") is null)
        {
            return false;
        }

        if (obj.At("metadata", "finalizers") is JsonArray { Count: > 0 })
        {
            return false;
        }

        if (def.Resource == "namespaces" && obj.At("spec", "finalizers") is JsonArray { Count: > 0 })
        {
            return false;
        }

        return (obj.Long("metadata", "deletionGracePeriodSeconds") ?? 0) == 0;
    }

    private static void CheckPreconditions(ResourceDefinition def, string name, JsonObject current, DeleteOptions options)
    {
        var uid = current.Str("metadata", "uid");
        if (options.PreconditionUid is { } wantUid && wantUid != uid)
        {
            throw ApiException.Conflict(def.Group, def.Resource, name, $"Precondition failed: UID in precondition: {wantUid}, UID in object meta: {uid}");
        }

        var rv = current.Str("metadata", "resourceVersion");
        if (options.PreconditionResourceVersion is { } wantRv && wantRv != rv)
        {
            throw ApiException.Conflict(def.Group, def.Resource, name, $"Precondition failed: ResourceVersion in precondition: {wantRv}, ResourceVersion in object meta: {rv}");
        }
    }

    /// <summary>Decides between removing the object now and marking it for deletion (finalizers, graceful pods, namespaces).</summary>
    private (bool Pending, JsonObject Next) PlanDeletion(ResourceDefinition def, JsonObject current, DeleteOptions options)
    {
        var next = (JsonObject)current.DeepClone();
        var meta = next.Metadata();
        var finalizers = (meta["finalizers"] as JsonArray)?.Select(f => f?.ToString() ?? "").ToList() ?? [];
        switch (options.Propagation)
        {
            case PropagationPolicy.Foreground:
                finalizers.Remove("orphan");
                if (!finalizers.Contains("foregroundDeletion"))
                {
                    finalizers.Add("foregroundDeletion");
                }

                break;
            case PropagationPolicy.Orphan:
                finalizers.Remove("foregroundDeletion");
                if (!finalizers.Contains("orphan"))
                {
                    finalizers.Add("orphan");
                }

                break;
            case PropagationPolicy.Background:
                finalizers.Remove("orphan");
                finalizers.Remove("foregroundDeletion");
                break;
        }

        var alreadyDeleting = meta["deletionTimestamp"] is not null;
        if (alreadyDeleting && (meta["finalizers"] as JsonArray)?.Count > 0)
        {
            // Finalizers cannot be added once deletion started; the propagation choice made first stands.
            finalizers = ((JsonArray)meta["finalizers"]!).Select(f => f?.ToString() ?? "").ToList();
        }

        if (finalizers.Count > 0)
        {
            meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        }
        else
        {
            meta.Remove("finalizers");
        }

        var now = clock.GetUtcNow();
        var grace = GracePeriod(def, current, options);
        var namespacePending = def.Resource == "namespaces" && def.Group.Length == 0 && next.At("spec", "finalizers") is JsonArray { Count: > 0 };
        if (grace > 0 || finalizers.Count > 0 || namespacePending)
        {
            if (!alreadyDeleting || (grace < (meta.Long("deletionGracePeriodSeconds") ?? long.MaxValue)))
            {
                meta["deletionTimestamp"] = Timestamp(now.AddSeconds(grace));
                meta["deletionGracePeriodSeconds"] = grace;
            }

            if (namespacePending)
            {
                next.Ensure("status")["phase"] = "Terminating";
            }

            if (def.TracksGeneration && !alreadyDeleting)
            {
                meta["generation"] = (meta.Long("generation") ?? 0) + 1;
            }

            return (true, next);
        }

        return (false, next);
    }

    /// <summary>Pods bound to a node and still running get a grace period the node's agent finishes; everything else goes at once.</summary>
    private static long GracePeriod(ResourceDefinition def, JsonObject pod, DeleteOptions options)
    {
        if (def.Resource != "pods" || def.Group.Length != 0)
        {
            return 0;
        }

        var phase = pod.Str("status", "phase");
        if (string.IsNullOrEmpty(pod.Str("spec", "nodeName")) || phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        var grace = options.GracePeriodSeconds ?? pod.Long("spec", "terminationGracePeriodSeconds") ?? 30;
        return Math.Max(0, grace);
    }

    private async Task EnsureNamespaceAcceptsAsync(ResourceDefinition def, string ns, string name, CancellationToken cancellationToken)
    {
        var namespaces = resources.Get("", "namespaces");
        var nsObject = cache.CacheFor(namespaces).Get(namespaces.Key(null, ns))?.Object
            ?? await GetFromStoreAsync(namespaces, null, ns, cancellationToken).ConfigureAwait(false)
            ?? throw ApiException.NotFound("", "namespaces", ns);
        if (nsObject.Str("status", "phase") == "Terminating" || nsObject.At("metadata", "deletionTimestamp") is not null)
        {
            throw ApiException.Forbidden(def.Group, def.Resource, name,
                $"unable to create new content in namespace {ns} because it is being terminated",
                [new StatusCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace")]);
        }
    }

    private static string GenerateName(string prefix)
    {
        if (prefix.Length > 58)
        {
            prefix = prefix[..58];
        }

        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = GenerateNameAlphabet[RandomNumberGenerator.GetInt32(GenerateNameAlphabet.Length)];
        }

        return prefix + new string(suffix);
    }

    private static JsonObject Decode(StoreEntry entry) => CachedObject.FromStored(entry.Key, entry.Value, entry.ModRevision).Object;

    private static JsonObject WithRevision(JsonObject obj, long revision)
    {
        obj.Metadata()["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        return obj;
    }

    /// <summary>Stored bytes never carry resourceVersion: it is the store's revision, stamped on read.</summary>
    private static byte[] Serialize(JsonObject obj)
    {
        var meta = obj.Metadata();
        var rv = meta["resourceVersion"];
        meta.Remove("resourceVersion");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(obj);
        if (rv is not null)
        {
            meta["resourceVersion"] = rv;
        }

        return bytes;
    }
}
