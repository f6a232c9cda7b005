using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Agent.Pods;

/// <summary>What Docker reports about one container of a pod (from GET /containers/{id}/json).</summary>
public sealed record ObservedContainer
{
    public required string Id { get; init; }

    public required DockerContainerName Name { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Docker's State.Status: created, running, paused, restarting, removing, exited, dead.</summary>
    public required string Status { get; init; }

    public bool Running => Status is "running" or "paused" or "restarting";

    /// <summary>Created but never started (an interrupted create/start); a start that failed counts as exited.</summary>
    public bool NeverStarted => Status == "created" && Error.Length == 0;

    public bool Exited => !Running && !NeverStarted;

    public int ExitCode { get; init; }

    public bool OomKilled { get; init; }

    /// <summary>Docker's State.Error, e.g. why the process could not start.</summary>
    public string Error { get; init; } = "";

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The image id (sha256:...) the container runs.</summary>
    public string ImageId { get; init; } = "";

    public bool Tty { get; init; }

    public bool OpenStdin { get; init; }

    public bool StdinOnce { get; init; }

    /// <summary>The sandbox's IP on its network (sandboxes only; empty for host networking).</summary>
    public string IpAddress { get; init; } = "";

    public bool IsSandbox => Name.IsSandbox;

    public string? SandboxId => Labels.GetValueOrDefault(ContainerLabels.SandboxId);

    /// <summary>Reads an inspect result; null for containers whose name is not a pod container name.</summary>
    public static ObservedContainer? FromInspect(JsonObject inspect, string? networkName)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        if (DockerContainerName.TryParse(inspect["Name"]?.GetValue<string>()) is not { } name)
        {
            return null;
        }

        var state = inspect["State"] as JsonObject;
        var config = inspect["Config"] as JsonObject;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config?["Labels"] is JsonObject labelObject)
        {
            foreach (var (key, value) in labelObject)
            {
                labels[key] = value?.GetValue<string>() ?? "";
            }
        }

        return new ObservedContainer
        {
            Id = inspect["Id"]?.GetValue<string>() ?? "",
            Name = name,
            Labels = labels,
            Status = state?["Status"]?.GetValue<string>() ?? "unknown",
            ExitCode = (int)(state?["ExitCode"]?.GetValue<long>() ?? 0),
            OomKilled = state?["OOMKilled"]?.GetValue<bool>() ?? false,
            Error = state?["Error"]?.GetValue<string>() ?? "",
            StartedAt = ReadTime(state?["StartedAt"]),
            FinishedAt = ReadTime(state?["FinishedAt"]),
            ImageId = inspect["Image"]?.GetValue<string>() ?? "",
            Tty = config?["Tty"]?.GetValue<bool>() ?? false,
            OpenStdin = config?["OpenStdin"]?.GetValue<bool>() ?? false,
            StdinOnce = config?["StdinOnce"]?.GetValue<bool>() ?? false,
            IpAddress = ReadIp(inspect["NetworkSettings"] as JsonObject, networkName),
        };
    }

    private static string ReadIp(JsonObject? settings, string? networkName)
    {
        if (settings?["Networks"] is JsonObject networks)
        {
            if (networkName is not null && networks[networkName]?["IPAddress"]?.GetValue<string>() is { Length: > 0 } named)
            {
                return named;
            }

            foreach (var (_, network) in networks)
            {
                if (network?["IPAddress"]?.GetValue<string>() is { Length: > 0 } ip)
                {
                    return ip;
                }
            }
        }

        return settings?["IPAddress"]?.GetValue<string>() ?? "";
    }

    /// <summary>Docker writes 0001-01-01T00:00:00Z for "never".</summary>
    private static DateTimeOffset? ReadTime(JsonNode? node)
    {
        if (node?.GetValue<string>() is not { } text
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            || time.Year <= 1)
        {
            return null;
        }

        return time.ToUniversalTime();
    }
}
