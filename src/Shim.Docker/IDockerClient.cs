using System.Text.Json.Nodes;

namespace Shim.Docker;

/// <summary>
/// The Docker Engine API, at the pinned version <see cref="DockerClient.ApiVersion"/>. Request and response bodies that
/// the Engine API documents as large objects (container create config, inspect results, info, stats, events) are
/// <see cref="JsonObject"/>s named exactly as in the Engine API, so the Engine API reference is the documentation.
/// Every failure is a <see cref="DockerException"/> carrying the HTTP status (0 when dockerd is unreachable).
/// </summary>
public interface IDockerClient : IDisposable
{
    /// <summary>The endpoint this client talks to, e.g. unix:///var/run/docker.sock.</summary>
    string Endpoint { get; }

    /// <summary>GET /info.</summary>
    Task<JsonObject> InfoAsync(CancellationToken cancellationToken);

    /// <summary>GET /version.</summary>
    Task<JsonObject> VersionAsync(CancellationToken cancellationToken);

    /// <summary>POST /containers/create?name=NAME; returns the new container's id. 409 when the name is taken.</summary>
    Task<string> CreateContainerAsync(string name, JsonObject config, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/start (304 "already started" is success).</summary>
    Task StartContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/stop?t=SECONDS (304 "already stopped" is success).</summary>
    Task StopContainerAsync(string id, int timeoutSeconds, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/kill?signal=SIGNAL (409 "not running" is success).</summary>
    Task KillContainerAsync(string id, string signal, CancellationToken cancellationToken);

    /// <summary>DELETE /containers/{id}?force=&amp;v= (404 is success).</summary>
    Task RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken);

    /// <summary>GET /containers/{id}/json; null when the container does not exist.</summary>
    Task<JsonObject?> InspectContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>GET /containers/json?all=&amp;filters={"label":["k=v",...]}: the summaries of matching containers.</summary>
    Task<IReadOnlyList<JsonObject>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, bool all, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/wait: the exit code once the container stops.</summary>
    Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// GET /containers/{id}/logs: the raw body. For a container without a TTY the body is the multiplexed stream
    /// (8-byte frame headers); read it with <see cref="MultiplexedStream"/>.
    /// </summary>
    Task<Stream> LogsAsync(string id, LogsOptions options, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/attach with a hijacked connection (stdin writable, output multiplexed unless TTY).</summary>
    Task<HijackedStream> AttachAsync(string id, bool stdin, bool stdout, bool stderr, bool tty, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/resize?h=&amp;w=.</summary>
    Task ResizeContainerTtyAsync(string id, int height, int width, CancellationToken cancellationToken);

    /// <summary>POST /containers/{id}/exec; returns the exec id.</summary>
    Task<string> CreateExecAsync(string containerId, ExecConfig config, CancellationToken cancellationToken);

    /// <summary>POST /exec/{id}/start with a hijacked connection (output multiplexed unless TTY).</summary>
    Task<HijackedStream> StartExecAsync(string execId, bool tty, CancellationToken cancellationToken);

    /// <summary>POST /exec/{id}/resize?h=&amp;w=.</summary>
    Task ResizeExecAsync(string execId, int height, int width, CancellationToken cancellationToken);

    /// <summary>GET /exec/{id}/json (Running, ExitCode, Pid).</summary>
    Task<JsonObject> InspectExecAsync(string execId, CancellationToken cancellationToken);

    /// <summary>GET /images/{name}/json; null when the image is not present.</summary>
    Task<JsonObject?> InspectImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>
    /// POST /images/create?fromImage=&amp;tag=, reading the progress stream to its end; a pull that reports an error in the
    /// stream throws. <paramref name="registryAuth"/> is the X-Registry-Auth value (base64url JSON), or null.
    /// </summary>
    Task PullImageAsync(string image, string? registryAuth, CancellationToken cancellationToken);

    /// <summary>GET /networks/{name}; null when absent.</summary>
    Task<JsonObject?> InspectNetworkAsync(string name, CancellationToken cancellationToken);

    /// <summary>POST /networks/create; returns the id.</summary>
    Task<string> CreateNetworkAsync(JsonObject config, CancellationToken cancellationToken);

    /// <summary>DELETE /networks/{name} (404 is success).</summary>
    Task RemoveNetworkAsync(string name, CancellationToken cancellationToken);

    /// <summary>GET /events?filters=: one JSON object per event until cancelled or the connection ends.</summary>
    IAsyncEnumerable<JsonObject> EventsAsync(IReadOnlyDictionary<string, string[]> filters, CancellationToken cancellationToken);

    /// <summary>GET /containers/{id}/stats?stream=false; null when the container does not exist.</summary>
    Task<JsonObject?> StatsAsync(string id, CancellationToken cancellationToken);
}
