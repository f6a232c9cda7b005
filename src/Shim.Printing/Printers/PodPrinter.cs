using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Pod: readiness, the aggregate status kubectl shows, restarts and placement.</summary>
public sealed class PodPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Ready", "Ready containers out of all long-running containers."),
        ColumnDefs.Text("Status", "Summary of the pod phase and container states."),
        ColumnDefs.Text("Restarts", "Container restarts, with the time since the latest one."),
        ColumnDefs.Age,
        ColumnDefs.Text("IP", "First IP address assigned to the pod.", 1),
        ColumnDefs.Text("Node", "Node the pod is bound to.", 1),
        ColumnDefs.Text("Nominated Node", "Node the scheduler nominated while preempting.", 1),
        ColumnDefs.Text("Readiness Gates", "Readiness gates whose condition is True, out of all gates.", 1),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        var status = Json.Obj(obj, "status");
        var phase = Json.S(status, "phase");
        var reason = Json.Str(status, "reason") is { Length: > 0 } r ? r : phase;

        foreach (var c in Json.Objects(status, "conditions"))
        {
            if (Json.S(c, "type") == "PodScheduled" && Json.S(c, "reason") == "SchedulingGated")
            {
                reason = "SchedulingGated";
            }
        }

        // Sidecars (init containers with restartPolicy Always) run for the pod's lifetime, so they count as containers.
        var sidecars = new HashSet<string>(StringComparer.Ordinal);
        var initSpecCount = 0;
        foreach (var ic in Json.Objects(spec, "initContainers"))
        {
            initSpecCount++;
            if (Json.S(ic, "restartPolicy") == "Always")
            {
                sidecars.Add(Json.S(ic, "name"));
            }
        }
        var totalContainers = Json.Count(spec, "containers") + sidecars.Count;

        long restarts = 0, sidecarRestarts = 0;
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null, lastSidecarRestart = null;

        var initializing = false;
        var initStatuses = Json.Arr(status, "initContainerStatuses") ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            if (initStatuses[i] is not JsonObject cs)
            {
                continue;
            }
            var restartCount = Json.L(cs, "restartCount");
            restarts += restartCount;
            var finished = Json.Time(cs, "lastState", "terminated", "finishedAt");
            lastRestart = Latest(lastRestart, finished);
            var isSidecar = sidecars.Contains(Json.S(cs, "name"));
            if (isSidecar)
            {
                sidecarRestarts += restartCount;
                lastSidecarRestart = Latest(lastSidecarRestart, finished);
            }

            var terminated = Json.Obj(cs, "state", "terminated");
            var waiting = Json.Obj(cs, "state", "waiting");
            if (terminated is not null && Json.L(terminated, "exitCode") == 0)
            {
                continue;
            }
            if (isSidecar && Json.Bool(cs, "started") == true)
            {
                if (Json.Bool(cs, "ready") == true)
                {
                    readyContainers++;
                }
                continue;
            }
            if (terminated is not null)
            {
                reason = Json.Str(terminated, "reason") is { Length: > 0 } tr
                    ? "Init:" + tr
                    : Json.L(terminated, "signal") != 0
                        ? Inv($"Init:Signal:{Json.L(terminated, "signal")}")
                        : Inv($"Init:ExitCode:{Json.L(terminated, "exitCode")}");
            }
            else if (Json.Str(waiting, "reason") is { Length: > 0 } wr && wr != "PodInitializing")
            {
                reason = "Init:" + wr;
            }
            else
            {
                reason = Inv($"Init:{i}/{initSpecCount}");
            }
            // The first init container that is neither done nor a running sidecar decides the status.
            initializing = true;
            break;
        }

        if (!initializing || IsInitialized(status))
        {
            // Only sidecar restarts carry over once app containers are what matters.
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = Json.Arr(status, "containerStatuses") ?? [];
            // Walk backwards so the first container's state wins, as upstream does.
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                if (statuses[i] is not JsonObject cs)
                {
                    continue;
                }
                restarts += Json.L(cs, "restartCount");
                lastRestart = Latest(lastRestart, Json.Time(cs, "lastState", "terminated", "finishedAt"));

                var terminated = Json.Obj(cs, "state", "terminated");
                if (Json.Str(cs, "state", "waiting", "reason") is { Length: > 0 } wr)
                {
                    reason = wr;
                }
                else if (terminated is not null && Json.Str(terminated, "reason") is { Length: > 0 } tr)
                {
                    reason = tr;
                }
                else if (terminated is not null)
                {
                    reason = Json.L(terminated, "signal") != 0
                        ? Inv($"Signal:{Json.L(terminated, "signal")}")
                        : Inv($"ExitCode:{Json.L(terminated, "exitCode")}");
                }
                else if (Json.Bool(cs, "ready") == true && Json.Obj(cs, "state", "running") is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            // A completed container next to a running one: the pod as a whole is still running.
            if (reason == "Completed" && hasRunning)
            {
                reason = HasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        if (Meta.Deleting(obj))
        {
            if (Json.S(status, "reason") == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase != "Succeeded" && phase != "Failed")
            {
                reason = "Terminating";
            }
        }

        var restartsText = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is { } last)
        {
            restartsText = Inv($"{restarts} ({HumanDuration.Since(last, now)} ago)");
        }

        var podIP = FirstPodIP(status) ?? Json.Str(status, "podIP");
        var nodeName = Json.Str(spec, "nodeName");
        var nominated = Json.Str(status, "nominatedNodeName");

        var readinessGates = "<none>";
        var gates = Json.Objects(spec, "readinessGates").ToList();
        if (gates.Count > 0)
        {
            var trueCount = 0;
            foreach (var gate in gates)
            {
                var type = Json.S(gate, "conditionType");
                var match = Json.Objects(status, "conditions").FirstOrDefault(c => Json.S(c, "type") == type);
                if (match is not null && Json.S(match, "status") == "True")
                {
                    trueCount++;
                }
            }
            readinessGates = Inv($"{trueCount}/{gates.Count}");
        }

        return
        [
            Meta.Name(obj),
            Inv($"{readyContainers}/{totalContainers}"),
            reason,
            restartsText,
            Meta.Age(obj, now),
            NoneIfEmpty(podIP),
            NoneIfEmpty(nodeName),
            NoneIfEmpty(nominated),
            readinessGates,
        ];
    }

    public JsonArray? Conditions(JsonObject obj) => Json.S(obj, "status", "phase") switch
    {
        "Succeeded" => Completed("Succeeded", "The pod has completed successfully."),
        "Failed" => Completed("Failed", "The pod failed."),
        _ => null,
    };

    private static JsonArray Completed(string reason, string message) =>
    [
        new JsonObject
        {
            ["type"] = "Completed",
            ["status"] = "True",
            ["reason"] = reason,
            ["message"] = message,
        },
    ];

    // podIPs wins; a lone podIP is what conversion would copy into podIPs.
    private static string? FirstPodIP(JsonObject? status) =>
        Json.Arr(status, "podIPs") is { Count: > 0 } ips ? Json.Str(ips[0], "ip") : null;

    private static bool IsInitialized(JsonObject? status)
    {
        var c = Json.Objects(status, "conditions").FirstOrDefault(c => Json.S(c, "type") == "Initialized");
        return c is not null && Json.S(c, "status") == "True";
    }

    private static bool HasCondition(JsonObject? status, string type) =>
        Json.Objects(status, "conditions").Any(c => Json.S(c, "type") == type && Json.S(c, "status") == "True");

    private static DateTimeOffset? Latest(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } c && (current is not { } cur || cur < c) ? c : current;

    private static string NoneIfEmpty(string? s) => string.IsNullOrEmpty(s) ? "<none>" : s;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
