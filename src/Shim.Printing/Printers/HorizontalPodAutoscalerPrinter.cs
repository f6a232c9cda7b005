using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>
/// autoscaling HorizontalPodAutoscaler in v2 or v1 form. v1 objects are first lifted to the v2 metric shape,
/// the way the API server converts them before printing.
/// </summary>
public sealed class HorizontalPodAutoscalerPrinter : ITablePrinter
{
    private const int MaxMetrics = 2;

    // MinPods, MaxPods and Replicas are declared string upstream; MaxPods and Replicas cells are integers.
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Reference", "Scaled object, as kind/name."),
        ColumnDefs.Text("Targets", "Current/target values of the scaling metrics."),
        ColumnDefs.Text("MinPods", "Lower bound for the replica count."),
        ColumnDefs.Text("MaxPods", "Upper bound for the replica count."),
        ColumnDefs.Text("Replicas", "Replica count last seen by the autoscaler."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        var (metrics, statuses) = IsV1(obj) ? FromV1(obj) : (Json.Arr(spec, "metrics"), Json.Arr(obj, "status", "currentMetrics"));
        var reference = $"{Json.S(spec, "scaleTargetRef", "kind")}/{Json.S(spec, "scaleTargetRef", "name")}";
        var minPods = Json.Long(spec, "minReplicas") is { } min ? min.ToString(CultureInfo.InvariantCulture) : "<unset>";
        return
        [
            Meta.Name(obj),
            reference,
            FormatMetrics(metrics, statuses),
            minPods,
            Json.L(spec, "maxReplicas"),
            Json.L(obj, "status", "currentReplicas"),
            Meta.Age(obj, now),
        ];
    }

    private static bool IsV1(JsonObject obj) => Json.Str(obj, "apiVersion") switch
    {
        "autoscaling/v1" => true,
        null => !Json.Has(obj, "spec", "metrics") &&
                (Json.Has(obj, "spec", "targetCPUUtilizationPercentage") ||
                 Json.Has(obj, "status", "currentCPUUtilizationPercentage")),
        _ => false,
    };

    /// <summary>v1 keeps only a CPU percentage; conversion turns it into a Resource metric (80% when unset).</summary>
    private static (JsonArray Metrics, JsonArray Statuses) FromV1(JsonObject obj)
    {
        var target = Json.Long(obj, "spec", "targetCPUUtilizationPercentage") ?? 80;
        var metrics = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = target },
                },
            },
        };
        var statuses = new JsonArray();
        if (Json.Long(obj, "status", "currentCPUUtilizationPercentage") is { } current)
        {
            statuses.Add(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["current"] = new JsonObject { ["averageUtilization"] = current },
                },
            });
        }
        return (metrics, statuses);
    }

    private static string FormatMetrics(JsonArray? specs, JsonArray? statuses)
    {
        if (specs is null || specs.Count == 0)
        {
            return "<none>";
        }
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i] as JsonObject;
            // Statuses line up with specs by position.
            var status = statuses is not null && i < statuses.Count ? statuses[i] as JsonObject : null;
            list.Add(Json.S(spec, "type") switch
            {
                "External" => ValueMetric(Json.Obj(spec, "external"), Json.Obj(status, "external")),
                "Object" => ValueMetric(Json.Obj(spec, "object"), Json.Obj(status, "object")),
                "Pods" => PodsMetric(Json.Obj(spec, "pods"), Json.Obj(status, "pods")),
                "Resource" => ResourceMetric(Json.Obj(spec, "resource"), Json.Obj(status, "resource")),
                "ContainerResource" => ResourceMetric(Json.Obj(spec, "containerResource"), Json.Obj(status, "containerResource")),
                _ => "<unknown type>",
            });
        }
        if (list.Count > MaxMetrics)
        {
            return $"{string.Join(", ", list.Take(MaxMetrics))} + {list.Count - MaxMetrics} more...";
        }
        return string.Join(", ", list);
    }

    // External and Object metrics: an average value target is marked "(avg)", otherwise a total value.
    private static string ValueMetric(JsonObject? source, JsonObject? status)
    {
        var target = Json.Obj(source, "target");
        if (Json.Node(target, "averageValue") is { } average)
        {
            var current = Json.Node(status, "current", "averageValue") is { } c ? Quantity.Format(c) : "<unknown>";
            return $"{current}/{Quantity.Format(average)} (avg)";
        }
        var value = status is not null ? Quantity.FormatPointer(Json.Node(status, "current", "value")) : "<unknown>";
        return $"{value}/{Quantity.FormatPointer(Json.Node(target, "value"))}";
    }

    private static string PodsMetric(JsonObject? source, JsonObject? status)
    {
        var current = status is not null ? Quantity.FormatPointer(Json.Node(status, "current", "averageValue")) : "<unknown>";
        return $"{current}/{Quantity.FormatPointer(Json.Node(source, "target", "averageValue"))}";
    }

    private static string ResourceMetric(JsonObject? source, JsonObject? status)
    {
        var name = Json.S(source, "name");
        var target = Json.Obj(source, "target");
        if (Json.Node(target, "averageValue") is { } average)
        {
            var current = status is not null ? Quantity.FormatPointer(Json.Node(status, "current", "averageValue")) : "<unknown>";
            return $"{name}: {current}/{Quantity.Format(average)}";
        }
        var currentPercent = Json.Long(status, "current", "averageUtilization") is { } cu
            ? cu.ToString(CultureInfo.InvariantCulture) + "%"
            : "<unknown>";
        var targetPercent = Json.Long(target, "averageUtilization") is { } tu
            ? tu.ToString(CultureInfo.InvariantCulture) + "%"
            : "<auto>";
        return $"{name}: {currentPercent}/{targetPercent}";
    }
}
