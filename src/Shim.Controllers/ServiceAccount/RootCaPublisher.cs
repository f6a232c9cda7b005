using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using NamespaceObject = Shim.Model.Core.V1.Namespace;

namespace Shim.Controllers.ServiceAccount;

/// <summary>
/// Publishes the cluster CA as the "kube-root-ca.crt" ConfigMap (key ca.crt) in every namespace and keeps it equal to
/// the CA this controller was given, as upstream's root CA certificate publisher. Pods mount it through projected
/// service account volumes to trust the API server.
/// </summary>
public sealed partial class RootCaPublisher
{
    public const string ConfigMapName = "kube-root-ca.crt";
    public const string DataKey = "ca.crt";
    public const string DescriptionAnnotation = "kubernetes.io/description";
    public const string Description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    private readonly KubeClient _client;
    private readonly string _rootCaPem;
    private readonly Informer<ConfigMap> _configMaps;
    private readonly Informer<NamespaceObject> _namespaces;
    private readonly WorkQueue _queue;
    private readonly ILogger _logger;

    public RootCaPublisher(KubeClient client, SharedInformers informers, string rootCaPem, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _rootCaPem = rootCaPem;
        _logger = loggers.CreateLogger<RootCaPublisher>();
        _queue = new WorkQueue(time);
        _configMaps = informers.Get<ConfigMap>();
        _namespaces = informers.Get<NamespaceObject>();
        _configMaps.OnUpdate((_, cm) => EnqueueFor(cm));
        _configMaps.OnDelete(EnqueueFor);
        _namespaces.OnAdd(ns => _queue.Add(ns.Metadata!.Name!));
        _namespaces.OnUpdate((_, ns) =>
        {
            if (ns.Status?.Phase == "Active")
            {
                _queue.Add(ns.Metadata!.Name!);
            }
        });
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("root-ca-cert-publisher", _queue, SyncAsync, _logger).RunAsync([_configMaps.Synced, _namespaces.Synced], cancellationToken);

    private void EnqueueFor(ConfigMap cm)
    {
        if (cm.Metadata?.Name == ConfigMapName)
        {
            _queue.Add(cm.Metadata.Namespace!);
        }
    }

    private async Task SyncAsync(string ns, CancellationToken cancellationToken)
    {
        var existing = _configMaps.Get(ns, ConfigMapName);
        if (existing is null)
        {
            try
            {
                await _client.CreateAsync(ResourcePath.For<ConfigMap>(ns), new ConfigMap
                {
                    Metadata = new ObjectMeta { Name = ConfigMapName, Namespace = ns, Annotations = new() { [DescriptionAnnotation] = Description } },
                    Data = new() { [DataKey] = _rootCaPem },
                }, cancellationToken).ConfigureAwait(false);
                LogPublished(_logger, ns);
            }
            catch (ApiError e) when (e.IsNotFound || ServiceAccountsController.TerminatingNamespace(e))
            {
                // No namespace to publish into (any more).
            }

            return;
        }

        var current = existing.Data is { Count: 1 } data && data.GetValueOrDefault(DataKey) == _rootCaPem;
        if (current && !string.IsNullOrEmpty(existing.Metadata?.Annotations?.GetValueOrDefault(DescriptionAnnotation)))
        {
            return;
        }

        // Informer objects are shared: change a copy.
        var updated = System.Text.Json.JsonSerializer.Deserialize<ConfigMap>(System.Text.Json.JsonSerializer.Serialize(existing, Model.ModelJson.Options), Model.ModelJson.Options)!;
        updated.Data = new() { [DataKey] = _rootCaPem };
        updated.Metadata!.Annotations ??= [];
        updated.Metadata.Annotations[DescriptionAnnotation] = Description;
        await _client.ReplaceAsync(ResourcePath.For<ConfigMap>(ns, ConfigMapName), updated, cancellationToken).ConfigureAwait(false);
        LogPublished(_logger, ns);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the root CA certificate to namespace {Namespace}")]
    private static partial void LogPublished(ILogger logger, string @namespace);
}
