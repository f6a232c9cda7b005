using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Patching;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Watch;

namespace Shim.Api.Http;

/// <summary>
/// The generic REST handlers: one implementation of every verb for every resource, with per-kind behaviour
/// taken from the resource's definition.
/// </summary>
public sealed class ResourceHandler(GenericRegistry registry, TimeProvider clock, NodeProxy.AgentForwarder agents)
{
    private static readonly TimeSpan FutureRevisionWait = TimeSpan.FromSeconds(3);
    private static readonly Lazy<Schema.SchemaNode?> ScaleSchema = new(() => Schema.SchemaRegistry.Instance.ForKind("autoscaling", "v1", "Scale"));
    private readonly Eviction.EvictionHandler _evictions = new(registry, clock);

    private WatchCacheHub Hub => registry.Cache;

    public async Task HandleAsync(HttpContext context, RequestTarget target)
    {
        var ct = context.RequestAborted;
        var request = context.Request;
        var def = target.Definition;
        if (target.Name is not null && target.Subresource is "log" or "exec" or "attach" or "portforward" && target.Definition.Resource == "pods" && target.Definition.Group.Length == 0)
        {
            await ConnectToPodAsync(context, target, ct).ConfigureAwait(false);
            return;
        }

        var format = OutputFormat.Negotiate(request.Headers.Accept);
        if (format is null)
        {
            throw new ApiException(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
        }

        if (target.Name is null)
        {
            switch (request.Method)
            {
                case "GET":
                    await ListOrWatchAsync(context, target, format, ct).ConfigureAwait(false);
                    return;
                case "POST" when def.Resource == "namespaces" || target.Namespace is not null || !def.Namespaced:
                    await CreateAsync(context, target, format, ct).ConfigureAwait(false);
                    return;
                case "DELETE":
                    await DeleteCollectionAsync(context, target, ct).ConfigureAwait(false);
                    return;
            }

            throw ApiException.MethodNotSupported(def.Group, def.Resource, Verb(request.Method, collection: true));
        }

        switch (target.Subresource)
        {
            case null:
                await ItemAsync(context, target, format, ct).ConfigureAwait(false);
                return;
            case "status" when def.HasStatus:
                await StatusAsync(context, target, format, ct).ConfigureAwait(false);
                return;
            case "scale" when def.Scale is not null:
                await ScaleAsync(context, target, ct).ConfigureAwait(false);
                return;
            case "binding" when def.Resource == "pods" && request.Method == "POST":
                await BindAsync(context, target.Namespace!, target.Name, ct).ConfigureAwait(false);
                return;
            case "eviction" when def.Resource == "pods" && def.Group.Length == 0 && request.Method == "POST":
                await _evictions.EvictAsync(context, target.Namespace!, target.Name, ct).ConfigureAwait(false);
                return;
            case "finalize" when def.Resource == "namespaces" && request.Method == "PUT":
                await FinalizeNamespaceAsync(context, target, ct).ConfigureAwait(false);
                return;
        }

        throw ApiException.NotFound(def.Group, $"{def.Resource}/{target.Subresource}", target.Name);
    }

    /// <summary>pods/log, exec, attach, portforward: checked here, carried out by the agent on the pod's node.</summary>
    private async Task ConnectToPodAsync(HttpContext context, RequestTarget target, CancellationToken ct)
    {
        var allowed = target.Subresource == "log" ? context.Request.Method == "GET" : context.Request.Method is "GET" or "POST";
        if (!allowed)
        {
            throw ApiException.MethodNotSupported("", $"pods/{target.Subresource}", context.Request.Method.ToLowerInvariant());
        }

        var pod = (await GetAsync(target.Definition, target.Namespace, target.Name!, null, ct).ConfigureAwait(false)).Object;
        var path = NodeProxy.PodConnection.AgentPath(target.Subresource!, pod, context.Request);
        var nodes = registry.Resources.Get("", "nodes")!;
        var nodeName = pod.Str("spec", "nodeName")!;
        var (host, port) = NodeProxy.PodConnection.AgentAddress(Hub.CacheFor(nodes).Get(nodes.Key(null, nodeName))?.Object, nodeName);
        await agents.ForwardAsync(context, host, port, path, ct).ConfigureAwait(false);
    }

    /// <summary>POST /api/v1/namespaces/NS/bindings: the legacy binding endpoint.</summary>
    public async Task BindingsAsync(HttpContext context, string ns)
    {
        var body = await BodyReader.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        await BindAsync(context, ns, body.Str("metadata", "name") ?? "", context.RequestAborted, body).ConfigureAwait(false);
    }

    private async Task ItemAsync(HttpContext context, RequestTarget target, OutputFormat format, CancellationToken ct)
    {
        var def = target.Definition;
        var request = context.Request;
        var name = target.Name!;
        switch (request.Method)
        {
            case "GET":
            {
                var renderer = NewRenderer(context, def, format);
                var obj = await GetAsync(def, target.Namespace, name, request.Query["resourceVersion"], ct).ConfigureAwait(false);
                await WriteAsync(context, 200, renderer.Single(obj), ct).ConfigureAwait(false);
                return;
            }

            case "PUT":
            {
                var body = await ReadTypedBodyAsync(context, def, target.Namespace, name).ConfigureAwait(false);
                var updated = await registry.UpdateAsync(def, target.Namespace, name, Subresource.None, DryRun(request), _ => body, ct, FieldManager(context)).ConfigureAwait(false);
                await WriteAsync(context, 200, NewRenderer(context, def, format).Single(updated), ct).ConfigureAwait(false);
                return;
            }

            case "PATCH":
            {
                var updated = await PatchAsync(context, def, target.Namespace, name, Subresource.None, ct).ConfigureAwait(false);
                // 201 when a server-side apply created the object.
                await WriteAsync(context, context.Response.StatusCode, NewRenderer(context, def, format).Single(updated), ct).ConfigureAwait(false);
                return;
            }

            case "DELETE":
                await DeleteAsync(context, def, target.Namespace, name, format, ct).ConfigureAwait(false);
                return;
        }

        throw ApiException.MethodNotSupported(def.Group, def.Resource, Verb(request.Method, collection: false));
    }

    private async Task StatusAsync(HttpContext context, RequestTarget target, OutputFormat format, CancellationToken ct)
    {
        var def = target.Definition;
        var request = context.Request;
        var name = target.Name!;
        JsonObject result;
        switch (request.Method)
        {
            case "GET":
                result = (await GetAsync(def, target.Namespace, name, request.Query["resourceVersion"], ct).ConfigureAwait(false)).Object;
                break;
            case "PUT":
                var body = await ReadTypedBodyAsync(context, def, target.Namespace, name).ConfigureAwait(false);
                result = await registry.UpdateAsync(def, target.Namespace, name, Subresource.Status, DryRun(request), _ => body, ct, FieldManager(context)).ConfigureAwait(false);
                break;
            case "PATCH":
                result = await PatchAsync(context, def, target.Namespace, name, Subresource.Status, ct).ConfigureAwait(false);
                break;
            default:
                throw ApiException.MethodNotSupported(def.Group, def.Resource + "/status", Verb(request.Method, collection: false));
        }

        await WriteAsync(context, 200, NewRenderer(context, def, format).Single(result), ct).ConfigureAwait(false);
    }

    private async Task ScaleAsync(HttpContext context, RequestTarget target, CancellationToken ct)
    {
        var def = target.Definition;
        var request = context.Request;
        var name = target.Name!;
        JsonObject parent;
        switch (request.Method)
        {
            case "GET":
                parent = (await GetAsync(def, target.Namespace, name, request.Query["resourceVersion"], ct).ConfigureAwait(false)).Object;
                break;
            case "PUT":
            {
                var scale = await BodyReader.ReadObjectAsync(request, ct).ConfigureAwait(false);
                parent = await registry.UpdateAsync(def, target.Namespace, name, Subresource.Scale, DryRun(request),
                    current => ApplyScale(def, current, scale), ct, FieldManager(context)).ConfigureAwait(false);
                break;
            }

            case "PATCH":
            {
                var patch = await BodyReader.ReadBytesAsync(request, ct).ConfigureAwait(false);
                var patchType = BodyReader.MediaType(request.ContentType);
                parent = await registry.UpdateAsync(def, target.Namespace, name, Subresource.Scale, DryRun(request), current =>
                {
                    var scale = ToScale(def, current);
                    var patched = ApplyPatch(scale, patchType, patch, ScaleSchema.Value);
                    if (patched.Str("metadata", "resourceVersion") == scale.Str("metadata", "resourceVersion"))
                    {
                        patched.Metadata().Remove("resourceVersion");
                    }

                    return ApplyScale(def, current, patched);
                }, ct, FieldManager(context)).ConfigureAwait(false);
                break;
            }

            default:
                throw ApiException.MethodNotSupported(def.Group, def.Resource + "/scale", Verb(request.Method, collection: false));
        }

        await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(ToScale(def, parent)), ct).ConfigureAwait(false);
    }

    private static JsonObject ToScale(ResourceDefinition def, JsonObject parent)
    {
        var meta = parent.Metadata();
        var scaleMeta = new JsonObject
        {
            ["name"] = meta.Str("name"),
            ["namespace"] = meta.Str("namespace"),
            ["uid"] = meta.Str("uid"),
            ["resourceVersion"] = meta.Str("resourceVersion"),
            ["creationTimestamp"] = meta.Str("creationTimestamp"),
        };
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = parent.Long("spec", "replicas") ?? 1 },
            ["status"] = new JsonObject { ["replicas"] = parent.Long("status", "replicas") ?? 0, ["selector"] = def.Scale!.Selector(parent) },
        };
    }

    private static JsonObject ApplyScale(ResourceDefinition def, JsonObject current, JsonObject scale)
    {
        var replicas = scale.At("spec", "replicas");
        if (replicas is not JsonValue v || !v.TryGetValue<long>(out var count) || count < 0)
        {
            throw ApiException.Invalid("autoscaling", "Scale", current.Str("metadata", "name") ?? "",
                [Errors.FieldError.Invalid("spec.replicas", replicas?.ToJsonString(), "must be greater than or equal to 0")]);
        }

        var pinned = scale.Str("metadata", "resourceVersion");
        if (!string.IsNullOrEmpty(pinned))
        {
            current.Metadata()["resourceVersion"] = pinned;
        }
        else
        {
            current.Metadata().Remove("resourceVersion");
        }

        var spec = current.Ensure("spec");
        if (spec.Long("replicas") != count)
        {
            spec["replicas"] = count;
            if (def.TracksGeneration)
            {
                current.Metadata()["generation"] = (current.Long("metadata", "generation") ?? 0) + 1;
            }
        }

        return current;
    }

    private async Task BindAsync(HttpContext context, string ns, string name, CancellationToken ct, JsonObject? body = null)
    {
        var pods = registry.Resources.Get("", "pods");
        body ??= await BodyReader.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        var node = body.Str("target", "name");
        if (string.IsNullOrEmpty(node))
        {
            throw ApiException.Invalid("", "Binding", name, [Errors.FieldError.Required("target.name")]);
        }

        await registry.UpdateAsync(pods, ns, name, Subresource.Trusted, DryRun(context.Request), pod =>
        {
            if (body.Str("metadata", "uid") is { Length: > 0 } uid && uid != pod.Str("metadata", "uid"))
            {
                throw ApiException.Conflict("", "pods/binding", name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {pod.Str("metadata", "uid")}");
            }

            if (pod.At("metadata", "deletionTimestamp") is not null)
            {
                throw ApiException.Conflict("", "pods/binding", name, $"pod {name} is being deleted, cannot be assigned to a host");
            }

            if (pod.Str("spec", "nodeName") is { Length: > 0 } bound)
            {
                throw ApiException.Conflict("", "pods/binding", name, $"pod {name} is already assigned to node \"{bound}\"");
            }

            pod.Metadata().Remove("resourceVersion");
            pod.Ensure("spec")["nodeName"] = node;
            if (body.At("metadata", "annotations") is JsonObject annotations)
            {
                var target = pod.Metadata().Ensure("annotations");
                foreach (var (k, v) in annotations)
                {
                    target[k] = v?.DeepClone();
                }
            }

            SetCondition(pod, "PodScheduled", "True", clock.GetUtcNow());
            return pod;
        }, ct).ConfigureAwait(false);
        var status = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 };
        await WriteAsync(context, 201, JsonSerializer.SerializeToUtf8Bytes(status), ct).ConfigureAwait(false);
    }

    private static void SetCondition(JsonObject obj, string type, string status, DateTimeOffset now)
    {
        var conditions = obj.Ensure("status")["conditions"] as JsonArray;
        if (conditions is null)
        {
            conditions = [];
            obj.Ensure("status")["conditions"] = conditions;
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        if (existing is null)
        {
            existing = new JsonObject { ["type"] = type };
            conditions.Add(existing);
        }

        if (existing.Str("status") != status)
        {
            existing["lastTransitionTime"] = GenericRegistry.Timestamp(now);
        }

        existing["status"] = status;
        existing["lastProbeTime"] = null;
    }

    private async Task FinalizeNamespaceAsync(HttpContext context, RequestTarget target, CancellationToken ct)
    {
        var def = target.Definition;
        var body = await ReadTypedBodyAsync(context, def, null, target.Name).ConfigureAwait(false);
        var result = await registry.UpdateAsync(def, null, target.Name!, Subresource.Trusted, DryRun(context.Request), current =>
        {
            current.Ensure("spec")["finalizers"] = body.At("spec", "finalizers")?.DeepClone() ?? new JsonArray();
            if (body.Str("metadata", "resourceVersion") is not { Length: > 0 })
            {
                current.Metadata().Remove("resourceVersion");
            }
            else
            {
                current.Metadata()["resourceVersion"] = body.Str("metadata", "resourceVersion");
            }

            return current;
        }, ct).ConfigureAwait(false);
        await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(result), ct).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, RequestTarget target, OutputFormat format, CancellationToken ct)
    {
        var def = target.Definition;
        var body = await ReadTypedBodyAsync(context, def, target.Namespace, name: null).ConfigureAwait(false);
        var created = await registry.CreateAsync(def, body, DryRun(context.Request), ct, FieldManager(context)).ConfigureAwait(false);
        await WriteAsync(context, 201, NewRenderer(context, def, format).Single(created), ct).ConfigureAwait(false);
    }

    private async Task<JsonObject> PatchAsync(HttpContext context, ResourceDefinition def, string? ns, string name, Subresource subresource, CancellationToken ct)
    {
        var request = context.Request;
        var patchType = BodyReader.MediaType(request.ContentType);
        if (patchType == "application/apply-patch+yaml")
        {
            return await ServerSideApplyAsync(context, def, ns, name, subresource, ct).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(request.Query["force"]))
        {
            throw ApiException.Invalid(def.Group, def.Kind, name, [Errors.FieldError.Forbidden("force", "may not be specified for non-apply patch")]);
        }

        var patch = await BodyReader.ReadBytesAsync(request, ct).ConfigureAwait(false);
        var warned = false;
        return await registry.UpdateAsync(def, ns, name, subresource, DryRun(request), current =>
        {
            var rv = current.Str("metadata", "resourceVersion");
            var patched = ApplyPatch(current, patchType, patch, def.Schema);
            CheckTypeMeta(patched, def);
            // Retries re-run this function: warn once.
            CheckFields(warned ? null : context, def, patched);
            warned = true;
            if (patched.Str("metadata", "resourceVersion") == rv)
            {
                // Not pinned by the patch: a concurrent write is retried rather than reported.
                patched.Metadata().Remove("resourceVersion");
            }

            if (patched.Str("metadata", "name") != name)
            {
                throw ApiException.BadRequest($"the name of the object ({patched.Str("metadata", "name")}) does not match the name on the URL ({name})");
            }

            return patched;
        }, ct, FieldManager(context)).ConfigureAwait(false);
    }

    /// <summary>
    /// PATCH with application/apply-patch+yaml: the body is the manager's whole intent; fields it stops applying
    /// go unless someone else owns them; other managers' fields set differently are a 409 unless force=true.
    /// An apply to a missing object creates it.
    /// </summary>
    private async Task<JsonObject> ServerSideApplyAsync(HttpContext context, ResourceDefinition def, string? ns, string name, Subresource subresource, CancellationToken ct)
    {
        var request = context.Request;
        var manager = request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                "", "meta.k8s.io", "PatchOptions", [new StatusCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager")]);
        }

        var force = request.Query["force"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            var other => throw ApiException.BadRequest($"invalid value for force: {other}"),
        };
        var applied = BodyReader.ParseObject(await BodyReader.ReadBytesAsync(request, ct).ConfigureAwait(false), "application/yaml");
        CheckTypeMeta(applied, def);
        if (string.IsNullOrEmpty(applied.Str("apiVersion")) || string.IsNullOrEmpty(applied.Str("kind")))
        {
            throw ApiException.BadRequest("apiVersion and kind must be set in an apply patch");
        }

        CheckName(applied, name);
        if (def.Namespaced && string.IsNullOrEmpty(applied.Str("metadata", "namespace")))
        {
            applied.Metadata()["namespace"] = ns;
        }

        CheckFields(context, def, applied);
        var schema = def.Schema;
        var sub = subresource == Subresource.Status ? "status" : null;
        var reset = Apply.ResetFields.For(def.Group, def.Kind, sub, def.HasStatus);
        var now = clock.GetUtcNow();
        try
        {
            return await registry.UpdateAsync(def, ns, name, subresource, DryRun(request), current =>
            {
                var merged = Apply.ServerSideApply.Apply(current, applied, manager, force, def.ApiVersion, now, schema, sub, reset);
                merged.Metadata().Remove("resourceVersion");
                return merged;
            }, ct).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.Code == 404 && ex.Reason == "NotFound" && subresource == Subresource.None)
        {
            var created = Apply.ServerSideApply.Apply(null, applied, manager, force, def.ApiVersion, now, schema, null, reset);
            context.Response.StatusCode = 201;
            return await registry.CreateAsync(def, created, DryRun(request), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The manager of a write: fieldManager, else the user agent's program name (kubectl/v1.32 → kubectl).</summary>
    private static string FieldManager(HttpContext context)
    {
        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length > 0)
        {
            return manager;
        }

        var agent = context.Request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? agent[..slash] : agent.Length > 0 ? agent : "unknown";
    }

    private static JsonObject ApplyPatch(JsonObject current, string patchType, byte[] patch, Schema.SchemaNode? schema)
    {
        switch (patchType)
        {
            case "application/json-patch+json":
            {
                JsonNode? operations;
                try
                {
                    operations = JsonNode.Parse(patch, documentOptions: BodyReader.JsonOptions);
                }
                catch (JsonException ex)
                {
                    throw ApiException.BadRequest($"error decoding patch: {ex.Message}");
                }

                return JsonPatch.Apply(current, operations) as JsonObject ?? throw ApiException.BadRequest("the patch must produce an object");
            }

            case "application/merge-patch+json":
            {
                var mergePatch = BodyReader.ParseJson(patch);
                return MergePatch.Apply(current, mergePatch) as JsonObject ?? throw ApiException.BadRequest("the patch must produce an object");
            }

            case "application/strategic-merge-patch+json" when schema is not null:
                return StrategicMergePatch.Apply(current, BodyReader.ParseJson(patch), schema);
            default:
                throw new ApiException(415, "UnsupportedMediaType",
                    $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourceDefinition def, string? ns, string name, OutputFormat format, CancellationToken ct)
    {
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var result = await registry.DeleteAsync(def, ns, name, options, ct).ConfigureAwait(false);
        if (!result.Removed || def.ReturnDeletedObject)
        {
            await WriteAsync(context, 200, NewRenderer(context, def, format).Single(result.Object), ct).ConfigureAwait(false);
            return;
        }

        var details = new JsonObject { ["name"] = name, ["kind"] = def.Resource, ["uid"] = result.Object.Str("metadata", "uid") };
        if (def.Group.Length > 0)
        {
            details.Insert(1, "group", def.Group);
        }

        var status = new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details,
        };
        await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(status), ct).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, RequestTarget target, CancellationToken ct)
    {
        var def = target.Definition;
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var list = ListOptions.Parse(context.Request, def, target.Namespace);
        await Hub.SyncAsync(ct).ConfigureAwait(false);
        var (snapshot, revision) = Hub.CacheFor(def).Current();
        var deleted = new List<CachedObject>();
        foreach (var o in ResourceCache.Scan(snapshot, list.Filter))
        {
            try
            {
                await registry.DeleteAsync(def, o.Namespace, o.Name, options, ct).ConfigureAwait(false);
                deleted.Add(o);
            }
            catch (ApiException ex) when (ex.Code == 404)
            {
                // Deleted meanwhile by someone else: nothing left to do for it.
            }
        }

        var renderer = new Renderer(def, OutputFormat.Json, "Metadata", clock.GetUtcNow());
        context.Response.StatusCode = 200;
        await renderer.WriteListAsync(context.Response, deleted, revision, null, null, ct).ConfigureAwait(false);
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var request = context.Request;
        var q = request.Query;
        long? grace = null;
        string? uid = null, rv = null, propagation = q["propagationPolicy"];
        bool? orphan = q["orphanDependents"].ToString() switch { "true" => true, "false" => false, _ => null };
        var dryRun = DryRun(request);
        if (!string.IsNullOrEmpty(q["gracePeriodSeconds"]))
        {
            grace = ParseGrace(q["gracePeriodSeconds"]);
        }

        var body = await BodyReader.ReadBytesAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > 0)
        {
            var options = BodyReader.ParseObject(body, request.ContentType);
            grace = options.Long("gracePeriodSeconds") ?? grace;
            uid = options.Str("preconditions", "uid");
            rv = options.Str("preconditions", "resourceVersion");
            propagation = options.Str("propagationPolicy") ?? propagation;
            if (options["orphanDependents"] is JsonValue o && o.TryGetValue<bool>(out var b))
            {
                orphan = b;
            }

            if (options["dryRun"] is JsonArray dry)
            {
                dryRun |= dry.Any(d => d?.ToString() == "All");
            }
        }

        var policy = propagation switch
        {
            null or "" => orphan switch { true => PropagationPolicy.Orphan, false => PropagationPolicy.Background, _ => PropagationPolicy.Unset },
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw new ApiException(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                "", "meta.k8s.io", "DeleteOptions", [new StatusCause("FieldValueNotSupported", $"Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\"", "propagationPolicy")]),
        };
        if (grace < 0)
        {
            grace = 0;
        }

        return new DeleteOptions(grace, uid, rv, policy, dryRun);
    }

    private static long ParseGrace(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var grace)
            ? grace
            : throw ApiException.BadRequest($"invalid value for gracePeriodSeconds: {text}");

    private async Task ListOrWatchAsync(HttpContext context, RequestTarget target, OutputFormat format, CancellationToken ct)
    {
        var def = target.Definition;
        var options = ListOptions.Parse(context.Request, def, target.Namespace);
        var renderer = NewRenderer(context, def, format);
        if (options.Watch)
        {
            await WatchAsync(context, def, options, renderer, ct).ConfigureAwait(false);
            return;
        }

        var cache = Hub.CacheFor(def);
        Snapshot snapshot;
        long revision;
        string? afterKey = null;
        if (options.Continue is not null)
        {
            var token = ContinueToken.Decode(options.Continue);
            afterKey = token.AfterKey;
            revision = token.Revision;
            snapshot = cache.SnapshotAt(revision) ?? throw ApiException.Gone(
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                new ContinueToken(-1, afterKey).Encode());
        }
        else
        {
            (snapshot, revision) = await SnapshotForReadAsync(cache, options.ResourceVersion, options.ResourceVersionMatch, ct).ConfigureAwait(false);
        }

        var items = new List<CachedObject>();
        string? next = null;
        long? remaining = null;
        var limit = options.Limit;
        using var matches = ResourceCache.Scan(snapshot, options.Filter, afterKey).GetEnumerator();
        while (matches.MoveNext())
        {
            if (limit > 0 && items.Count == limit)
            {
                next = new ContinueToken(revision, items[^1].Key).Encode();
                if (!options.Filter.HasSelectors)
                {
                    var rest = 1L;
                    while (matches.MoveNext())
                    {
                        rest++;
                    }

                    remaining = rest;
                }

                break;
            }

            items.Add(matches.Current);
        }

        context.Response.StatusCode = 200;
        await renderer.WriteListAsync(context.Response, items, revision, next, remaining, ct).ConfigureAwait(false);
    }

    /// <summary>resourceVersion semantics of reads: unset = consistent (latest), "0" = any cached state, N = not older than N (or exactly N).</summary>
    private async Task<(Snapshot, long)> SnapshotForReadAsync(
        ResourceCache cache, string? resourceVersion, string? match, CancellationToken ct)
    {
        if (resourceVersion is null)
        {
            await Hub.SyncAsync(ct).ConfigureAwait(false);
            return cache.Current();
        }

        if (resourceVersion == "0")
        {
            return cache.Current();
        }

        var wanted = long.Parse(resourceVersion, CultureInfo.InvariantCulture);
        await WaitForFutureRevisionAsync(wanted, ct).ConfigureAwait(false);
        if (match == "Exact")
        {
            var exact = cache.SnapshotAt(wanted) ?? throw ApiException.Gone("The resourceVersion for the provided list is too old.");
            return (exact, wanted);
        }

        return cache.Current();
    }

    private async Task WaitForFutureRevisionAsync(long wanted, CancellationToken ct)
    {
        if (wanted > Hub.Revision && !await Hub.WaitForRevisionAsync(wanted, FutureRevisionWait, ct).ConfigureAwait(false))
        {
            throw ApiException.Timeout($"Too large resource version: {wanted}, current: {Hub.Revision}", 1,
                [new StatusCause("ResourceVersionTooLarge", "Too large resource version", null)]);
        }
    }

    private async Task<CachedObject> GetAsync(ResourceDefinition def, string? ns, string name, string? resourceVersion, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(resourceVersion))
        {
            await Hub.SyncAsync(ct).ConfigureAwait(false);
        }
        else if (resourceVersion != "0")
        {
            if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted))
            {
                throw ApiException.BadRequest($"invalid resource version: {resourceVersion}");
            }

            await WaitForFutureRevisionAsync(wanted, ct).ConfigureAwait(false);
        }

        return Hub.CacheFor(def).Get(def.Key(ns, name)) ?? throw ApiException.NotFound(def.Group, def.Resource, name);
    }

    private async Task WatchAsync(HttpContext context, ResourceDefinition def, ListOptions options, Renderer renderer, CancellationToken ct)
    {
        var cache = Hub.CacheFor(def);
        long? from = null;
        if (options.ResourceVersion is null || options.ResourceVersion == "0" || options.SendInitialEvents)
        {
            // Initial state first: consistent when no revision was given, else not older than the one given.
            if (options.ResourceVersion is null)
            {
                await Hub.SyncAsync(ct).ConfigureAwait(false);
            }
            else if (options.ResourceVersion != "0")
            {
                await WaitForFutureRevisionAsync(long.Parse(options.ResourceVersion, CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
            }
        }
        else
        {
            from = long.Parse(options.ResourceVersion, CultureInfo.InvariantCulture);
            await WaitForFutureRevisionAsync(from.Value, ct).ConfigureAwait(false);
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var watcher = cache.Watch(options.Filter, from, options.AllowBookmarks);
        if (watcher is null)
        {
            await response.Body.WriteAsync(Renderer.ErrorEvent(ApiException.Gone($"too old resource version: {from} ({Hub.Revision})")), ct).ConfigureAwait(false);
            return;
        }

        var timeout = options.Timeout ?? TimeSpan.FromSeconds(1800 + Random.Shared.Next(1800));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await response.StartAsync(ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            foreach (var e in watcher.Initial)
            {
                await response.Body.WriteAsync(renderer.WatchEvent(e), deadline.Token).ConfigureAwait(false);
            }

            if (options.SendInitialEvents && options.AllowBookmarks)
            {
                await response.Body.WriteAsync(renderer.InitialEventsEnd(watcher.StartRevision), deadline.Token).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(deadline.Token).ConfigureAwait(false);
            watcher.Initial.Clear();
            var reader = watcher.Events;
            while (await reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var e))
                {
                    await response.Body.WriteAsync(renderer.WatchEvent(e), deadline.Token).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout or client gone: the watch simply ends.
        }
        finally
        {
            cache.Unwatch(watcher);
        }
    }

    /// <summary>
    /// The body of a create or update: type meta checked against the URL, namespace filled or checked, the name
    /// checked against the URL's (<paramref name="name"/> null on create), unknown fields handled per fieldValidation.
    /// </summary>
    private static async Task<JsonObject> ReadTypedBodyAsync(HttpContext context, ResourceDefinition def, string? ns, string? name)
    {
        var body = await BodyReader.ReadObjectAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        CheckTypeMeta(body, def);
        body["apiVersion"] = def.ApiVersion;
        body["kind"] = def.Kind;
        if (body["metadata"] is not null and not JsonObject)
        {
            throw ApiException.BadRequest("metadata must be an object");
        }

        var meta = body.Metadata();
        if (def.Namespaced && ns is not null)
        {
            var bodyNs = meta.Str("namespace");
            if (string.IsNullOrEmpty(bodyNs))
            {
                meta["namespace"] = ns;
            }
            else if (bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
        }

        if (name is not null)
        {
            CheckName(body, name);
        }

        CheckFields(context, def, body);
        return body;
    }

    /// <summary>
    /// fieldValidation: unknown fields are dropped; Strict refuses them (400), Warn (the default) reports each in a
    /// Warning header, Ignore says nothing. <paramref name="context"/> null drops silently.
    /// </summary>
    private static void CheckFields(HttpContext? context, ResourceDefinition def, JsonObject obj)
    {
        var directive = context?.Request.Query["fieldValidation"].ToString() ?? "Ignore";
        if (directive is not ("" or "Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation parameter unsupported: {directive}; supported values: Ignore, Warn, Strict");
        }

        if (def.Schema is not { } schema)
        {
            return;
        }

        var unknown = Schema.UnknownFields.Prune(obj, schema);
        if (unknown.Count == 0 || context is null || directive == "Ignore")
        {
            return;
        }

        if (directive == "Strict")
        {
            throw ApiException.BadRequest("strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
        }

        foreach (var field in unknown)
        {
            context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
        }
    }

    private static void CheckTypeMeta(JsonObject body, ResourceDefinition def)
    {
        var apiVersion = body.Str("apiVersion");
        var kind = body.Str("kind");
        if (!string.IsNullOrEmpty(kind) && kind != def.Kind)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized (must be of type {def.Kind}): kind \"{kind}\" does not match the URL (expected \"{def.Kind}\")");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != def.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({def.ApiVersion})");
        }
    }

    private static void CheckName(JsonObject body, string name)
    {
        var bodyName = body.Str("metadata", "name");
        if (string.IsNullOrEmpty(bodyName))
        {
            body.Metadata()["name"] = name;
        }
        else if (bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
    }

    private Renderer NewRenderer(HttpContext context, ResourceDefinition def, OutputFormat format) =>
        new(def, format, format.Kind == OutputKind.Table ? Renderer.IncludeObject(context.Request.Query["includeObject"]) : "Metadata", clock.GetUtcNow());

    private static bool DryRun(HttpRequest request)
    {
        var values = request.Query["dryRun"];
        foreach (var v in values)
        {
            if (v != "All")
            {
                throw ApiException.BadRequest($"Invalid dry run value: {v}; supported values: All");
            }
        }

        return values.Count > 0;
    }

    private static string Verb(string method, bool collection) => method switch
    {
        "GET" => collection ? "list" : "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => collection ? "deletecollection" : "delete",
        _ => method,
    };

    private static async Task WriteAsync(HttpContext context, int status, byte[] body, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body, ct).ConfigureAwait(false);
    }
}
