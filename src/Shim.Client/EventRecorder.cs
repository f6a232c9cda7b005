using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Client;

/// <summary>
/// Records core/v1 Events (source = component and host) in the background (recording never blocks or throws). A repeat of the same
/// reason and message about the same object bumps count and lastTimestamp of the first Event, as upstream's
/// event correlator does.
/// </summary>
public sealed partial class EventRecorder : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly string _component;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Event> _pending = Channel.CreateBounded<Event>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly ConcurrentDictionary<string, Event> _recorded = new(StringComparer.Ordinal);
    private readonly Task _writer;

    public EventRecorder(KubeClient client, string component, string host, TimeProvider time, ILogger<EventRecorder> logger)
    {
        _client = client;
        _component = component;
        _host = host;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    public void Record(Pod pod, string type, string reason, string message, string? fieldPath = null) =>
        Record(new ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Namespace = pod.Metadata?.Namespace,
            Name = pod.Metadata?.Name,
            Uid = pod.Metadata?.Uid,
            ResourceVersion = pod.Metadata?.ResourceVersion,
            FieldPath = fieldPath,
        }, type, reason, message);

    public void Record(ObjectReference involved, string type, string reason, string message)
    {
        var now = _time.GetUtcNow();
        var name = $"{involved.Name}.{now.ToUnixTimeMilliseconds() * 1000 + Random.Shared.Next(1000):x}";
        _pending.Writer.TryWrite(new Event
        {
            Metadata = new ObjectMeta { Name = name, Namespace = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new EventSource { Component = _component, Host = _host },
            ReportingComponent = _component,
            ReportingInstance = _host,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        });
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        await foreach (var e in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var key = $"{e.InvolvedObject?.Uid}/{e.InvolvedObject?.FieldPath}/{e.Type}/{e.Reason}/{e.Message}";
            try
            {
                if (_recorded.TryGetValue(key, out var first))
                {
                    var count = (first.Count ?? 1) + 1;
                    var patch = $$"""{"count":{{count}},"lastTimestamp":"{{e.LastTimestamp!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}"}""";
                    var path = ResourcePath.For<Event>(first.Metadata!.Namespace, first.Metadata.Name);
                    _recorded[key] = await _client.PatchAsync<Event>(path, KubeClient.MergePatch, patch, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    var path = ResourcePath.For<Event>(e.Metadata!.Namespace);
                    _recorded[key] = await _client.CreateAsync(path, e, CancellationToken.None).ConfigureAwait(false);
                    if (_recorded.Count > 4096)
                    {
                        _recorded.Clear();
                    }
                }
            }
            catch (ApiError error)
            {
                _recorded.TryRemove(key, out _);
                LogFailed(_logger, e.Reason ?? "", error.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "event {Reason} not recorded: {Error}")]
    private static partial void LogFailed(ILogger logger, string reason, string error);
}
