using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>batch/v1 CronJob: schedule, time zone, suspension and recent activity.</summary>
public sealed class CronJobPrinter : ITablePrinter
{
    // Suspend is declared boolean upstream but its cells are the strings True/False/<unset>.
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Schedule", "Cron expression that triggers jobs."),
        ColumnDefs.Text("Timezone", "Time zone the schedule is evaluated in."),
        ColumnDefs.Boolean("Suspend", "Whether new runs are suspended."),
        ColumnDefs.Integer("Active", "Jobs currently running."),
        ColumnDefs.Text("Last Schedule", "Time since a job was last scheduled."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
        ColumnDefs.Selector(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        var jobSpec = Json.Obj(spec, "jobTemplate", "spec");
        var lastSchedule = Json.Has(obj, "status", "lastScheduleTime")
            ? HumanDuration.Since(Json.Time(obj, "status", "lastScheduleTime"), now)
            : "<none>";
        var (names, images) = Meta.ContainerCells(Json.Arr(jobSpec, "template", "spec", "containers"));
        return
        [
            Meta.Name(obj),
            Json.S(spec, "schedule"),
            Json.Str(spec, "timeZone") ?? "<none>",
            Meta.BoolPtr(Json.Bool(spec, "suspend")),
            (long)Json.Count(obj, "status", "active"),
            lastSchedule,
            Meta.Age(obj, now),
            names,
            images,
            Labels.FormatSelector(Json.Node(jobSpec, "selector")),
        ];
    }
}
