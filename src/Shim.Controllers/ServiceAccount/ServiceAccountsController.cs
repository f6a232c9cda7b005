using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Controllers.Runtime;
using Shim.Model.Meta.V1;
using NamespaceObject = Shim.Model.Core.V1.Namespace;
using ServiceAccountObject = Shim.Model.Core.V1.ServiceAccount;

namespace Shim.Controllers.ServiceAccount;

/// <summary>
/// Makes sure every active namespace has a "default" ServiceAccount, and puts it back when it is deleted, as
/// upstream's serviceaccounts controller. Pods that name no service account run as it.
/// </summary>
public sealed partial class ServiceAccountsController
{
    public const string DefaultName = "default";

    private readonly KubeClient _client;
    private readonly Informer<ServiceAccountObject> _accounts;
    private readonly Informer<NamespaceObject> _namespaces;
    private readonly WorkQueue _queue;
    private readonly ILogger _logger;

    public ServiceAccountsController(KubeClient client, SharedInformers informers, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _logger = loggers.CreateLogger<ServiceAccountsController>();
        _queue = new WorkQueue(time);
        _accounts = informers.Get<ServiceAccountObject>();
        _namespaces = informers.Get<NamespaceObject>();
        _accounts.OnDelete(sa => _queue.Add(sa.Metadata!.Namespace!));
        _namespaces.OnAdd(ns => _queue.Add(ns.Metadata!.Name!));
        _namespaces.OnUpdate((_, ns) => _queue.Add(ns.Metadata!.Name!));
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("serviceaccount", _queue, SyncAsync, _logger).RunAsync([_accounts.Synced, _namespaces.Synced], cancellationToken);

    private async Task SyncAsync(string ns, CancellationToken cancellationToken)
    {
        if (_namespaces.Get(null, ns)?.Status?.Phase != "Active" || _accounts.Get(ns, DefaultName) is not null)
        {
            return;
        }

        try
        {
            await _client.CreateAsync(ResourcePath.For<ServiceAccountObject>(ns), new ServiceAccountObject
            {
                Metadata = new ObjectMeta { Name = DefaultName, Namespace = ns },
            }, cancellationToken).ConfigureAwait(false);
            LogCreated(_logger, ns);
        }
        catch (ApiError e) when (e.Code == 409 || e.IsNotFound || TerminatingNamespace(e))
        {
            // Already there (our cache is behind), or the namespace is going away: nothing to do.
        }
    }

    internal static bool TerminatingNamespace(ApiError e) =>
        e.Status.Details?.Causes?.Any(c => c.Reason == "NamespaceTerminating") ?? false;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the default service account in namespace {Namespace}")]
    private static partial void LogCreated(ILogger logger, string @namespace);
}
