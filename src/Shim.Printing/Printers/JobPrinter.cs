using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>batch/v1 Job: status, completions and run time.</summary>
public sealed class JobPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Status", "Overall state of the job."),
        ColumnDefs.Text("Completions", "Succeeded pods out of the completions wanted."),
        ColumnDefs.Text("Duration", "How long the job ran or has been running."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
        ColumnDefs.Selector(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        var status = Json.Obj(obj, "status");
        var succeeded = Json.L(status, "succeeded");

        string completions;
        if (Json.Long(spec, "completions") is { } wanted)
        {
            completions = Inv($"{succeeded}/{wanted}");
        }
        else
        {
            var parallelism = Json.L(spec, "parallelism");
            completions = parallelism > 1 ? Inv($"{succeeded}/1 of {parallelism}") : Inv($"{succeeded}/1");
        }

        var duration = "";
        if (Json.Time(status, "startTime") is { } start)
        {
            duration = Json.Time(status, "completionTime") is { } end
                ? HumanDuration.Format(end - start)
                : HumanDuration.Format(now - start);
        }

        // Precedence matters: a finished job never reads as Terminating or Suspended.
        string state;
        if (HasCondition(status, "Complete"))
        {
            state = "Complete";
        }
        else if (HasCondition(status, "Failed"))
        {
            state = "Failed";
        }
        else if (Meta.Deleting(obj))
        {
            state = "Terminating";
        }
        else if (HasCondition(status, "Suspended"))
        {
            state = "Suspended";
        }
        else if (HasCondition(status, "FailureTarget"))
        {
            state = "FailureTarget";
        }
        else
        {
            state = "Running";
        }

        var (names, images) = Meta.ContainerCells(Json.Arr(spec, "template", "spec", "containers"));
        return
        [
            Meta.Name(obj),
            state,
            completions,
            duration,
            Meta.Age(obj, now),
            names,
            images,
            Labels.FormatSelector(Json.Node(spec, "selector")),
        ];
    }

    /// <summary>True when the first condition of <paramref name="type"/> has status True.</summary>
    private static bool HasCondition(JsonObject? status, string type) =>
        Json.Objects(status, "conditions").FirstOrDefault(c => Json.S(c, "type") == type) is { } c
        && Json.S(c, "status") == "True";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
