using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shim.Api.Discovery;
using Shim.Api.Errors;
using Shim.Api.Http;
using Shim.Api.Metrics;
using Shim.Api.Resources;
using Shim.Api.Watch;

namespace Shim.Api.Hosting;

/// <summary>The URL space: health, version, discovery, OpenAPI and the resource paths.</summary>
public static class Endpoints
{
    private const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Rendered = new(StringComparer.Ordinal);
    private static readonly Lazy<byte[]> OpenApiV2Protobuf = new(() => OpenApiV2.Protobuf(ServerVersion.GitVersion));

    public static void MapKubernetesApi(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/healthz", "/livez", "/readyz" })
        {
            var check = path.TrimStart('/');
            app.MapGet(path, (HttpContext c, WatchCacheHub hub, Bootstrapper boot) => Health(c, check, path == "/readyz" ? hub.Ready.IsCompleted && boot.Done.IsCompleted : hub.Ready.IsCompleted || path != "/readyz"));
        }

        app.MapGet("/version", () => Json(ServerVersion.Document()));
        app.MapGet("/api", (HttpContext c, DiscoveryDocuments d) => Discovery(c, d, core: true));
        app.MapGet("/apis", (HttpContext c, DiscoveryDocuments d) => Discovery(c, d, core: false));
        app.MapGet("/api/v1", (DiscoveryDocuments d) => Cached("/api/v1", () => d.ApiResourceList("", "v1")));
        app.MapGet("/apis/{group}", (string group, DiscoveryDocuments d) => Cached($"/apis/{group}", () => d.ApiGroupDocument(group)));
        app.MapGet("/apis/{group}/{version}", (string group, string version, DiscoveryDocuments d) =>
            Cached($"/apis/{group}/{version}", () => d.ApiResourceList(group, version)));
        app.MapGet("/openapi/v2", (HttpContext c) => c.Request.Headers.Accept.ToString().Contains(OpenApiV2.ProtobufMediaType, StringComparison.Ordinal)
            ? Results.Bytes(OpenApiV2Protobuf.Value, "application/octet-stream")
            : Cached("/openapi/v2", () => OpenApiV2.Json(ServerVersion.GitVersion)));
        app.MapGet("/openapi/v3", (OpenApiV3 o) => Cached("/openapi/v3", o.Index));
        app.MapGet("/openapi/v3/{**path}", (string path, OpenApiV3 o, HttpContext c) =>
        {
            var doc = o.Get(path) ?? throw PathNotFound();
            c.Response.Headers.ETag = $"\"{o.Hash(path)}\"";
            c.Response.Headers.CacheControl = c.Request.Query.ContainsKey("hash") ? "public, immutable" : "no-cache, private";
            return Cached("/openapi/v3/" + path, () => doc);
        });
        app.MapMetricsApi();
        app.Map("/api/v1/namespaces/{ns}/bindings", (string ns, HttpContext c, ResourceHandler h) =>
            c.Request.Method == "POST" ? h.BindingsAsync(c, ns) : throw ApiException.MethodNotSupported("", "bindings", c.Request.Method.ToLowerInvariant()));
        app.Map("/api/v1/{**rest}", (string rest, HttpContext c, ResourceHandler h, ResourceRegistry r) => Resource(c, h, r, "", "v1", rest));
        app.Map("/apis/{group}/{version}/{**rest}", (string group, string version, string rest, HttpContext c, ResourceHandler h, ResourceRegistry r) =>
            Resource(c, h, r, group, version, rest));
    }

    private static Task Resource(HttpContext context, ResourceHandler handler, ResourceRegistry registry, string group, string version, string rest)
    {
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var target = RequestTarget.Parse(registry, group, version, segments) ?? throw PathNotFound();
        return handler.HandleAsync(context, target);
    }

    private static IResult Discovery(HttpContext context, DiscoveryDocuments documents, bool core)
    {
        var accept = context.Request.Headers.Accept.ToString();
        context.Response.Headers.Vary = "Accept";
        foreach (var entry in accept.Split(',').Select(e => e.Trim()))
        {
            var parameters = entry.Split(';').Select(p => p.Trim()).ToList();
            if (parameters[0] is not ("application/json" or "*/*" or "application/*"))
            {
                continue;
            }

            var set = parameters.Skip(1).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (set.Contains("g=apidiscovery.k8s.io") && set.Contains("as=APIGroupDiscoveryList"))
            {
                if (set.Contains("v=v2"))
                {
                    return Results.Content(Rendered.GetOrAdd($"aggregated/{core}/v2", _ => documents.Aggregated(core, "v2").ToJsonString()), AggregatedV2);
                }

                if (set.Contains("v=v2beta1"))
                {
                    return Results.Content(Rendered.GetOrAdd($"aggregated/{core}/v2beta1", _ => documents.Aggregated(core, "v2beta1").ToJsonString()), AggregatedV2Beta1);
                }

                continue;
            }

            break;
        }

        var host = context.Request.Host.HasValue ? context.Request.Host.Value! : "127.0.0.1:6443";
        return Json(core ? documents.ApiVersions(host) : documents.ApiGroupList());
    }

    private static IResult Health(HttpContext context, string check, bool healthy)
    {
        var verbose = context.Request.Query.ContainsKey("verbose");
        var body = verbose
            ? $"[{(healthy ? "+" : "-")}]ping ok\n[{(healthy ? "+" : "-")}]informer-sync {(healthy ? "ok" : "failed: reason withheld")}\n{check} check {(healthy ? "passed" : "failed")}\n"
            : healthy ? "ok" : $"[-]informer-sync failed: reason withheld\n{check} check failed\n";
        return Results.Text(body, "text/plain; charset=utf-8", statusCode: healthy ? 200 : 500);
    }

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");

    /// <summary>Discovery and OpenAPI documents never change while the server runs: each is rendered once.</summary>
    /// <remarks>Misses are not remembered, so unknown paths cannot grow the cache.</remarks>
    private static IResult Cached(string key, Func<JsonObject?> build)
    {
        if (!Rendered.TryGetValue(key, out var json))
        {
            json = build()?.ToJsonString() ?? throw PathNotFound();
            Rendered.TryAdd(key, json);
        }

        return Results.Content(json, "application/json");
    }

    private static ApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");
}
