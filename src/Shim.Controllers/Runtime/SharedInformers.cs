using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model;

namespace Shim.Controllers.Runtime;

/// <summary>
/// One cluster-wide informer per kind, shared by every controller that asks for it, so N controllers watching pods
/// cost one watch. Ask for informers (and register handlers) before <see cref="RunAsync"/>.
/// </summary>
public sealed class SharedInformers(KubeClient client, ILoggerFactory loggers)
{
    private readonly Dictionary<Type, object> _informers = [];
    private readonly List<Func<CancellationToken, Task>> _runs = [];
    private bool _started;

    public Informer<T> Get<T>()
        where T : class, IKubernetesKind, IMetadataObject
    {
        lock (_informers)
        {
            if (_informers.TryGetValue(typeof(T), out var existing))
            {
                return (Informer<T>)existing;
            }

            if (_started)
            {
                throw new InvalidOperationException($"informer for {typeof(T).Name} requested after the informers started");
            }

            var informer = new Informer<T>(client, loggers.CreateLogger("informer." + T.GroupVersionKind.Kind));
            _informers[typeof(T)] = informer;
            _runs.Add(informer.RunAsync);
            return informer;
        }
    }

    public Task RunAsync(CancellationToken cancellationToken)
    {
        List<Func<CancellationToken, Task>> runs;
        lock (_informers)
        {
            _started = true;
            runs = [.. _runs];
        }

        return Task.WhenAll(runs.Select(run => run(cancellationToken)));
    }
}
