using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>apps/v1 Deployment: rollout progress.</summary>
public sealed class DeploymentPrinter : ITablePrinter
{
    // Upstream declares Up-to-date and Available as string columns although their cells are integers.
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Ready", "Ready pods out of desired replicas."),
        ColumnDefs.Text("Up-to-date", "Pods running the latest template."),
        ColumnDefs.Text("Available", "Pods available to serve."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
        ColumnDefs.Selector(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var (names, images) = Meta.ContainerCells(Json.Arr(obj, "spec", "template", "spec", "containers"));
        // A nil or empty selector prints as "", a malformed one as "<invalid>".
        var selector = Labels.SelectorString(Json.Node(obj, "spec", "selector")) ?? "<invalid>";
        return
        [
            Meta.Name(obj),
            string.Create(CultureInfo.InvariantCulture,
                $"{Json.L(obj, "status", "readyReplicas")}/{Replicas.Desired(obj)}"),
            Json.L(obj, "status", "updatedReplicas"),
            Json.L(obj, "status", "availableReplicas"),
            Meta.Age(obj, now),
            names,
            images,
            selector,
        ];
    }
}
