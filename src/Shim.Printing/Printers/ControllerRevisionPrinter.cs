using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>apps/v1 ControllerRevision: owning controller and revision number.</summary>
public sealed class ControllerRevisionPrinter : ITablePrinter
{
    // Revision is declared string upstream but its cells are integers.
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Controller", "Controller that owns this revision, as kind.group/name."),
        ColumnDefs.Text("Revision", "Revision number of the captured state."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var controller = "<none>";
        var owner = Json.Objects(obj, "metadata", "ownerReferences").FirstOrDefault(o => Json.Bool(o, "controller") == true);
        if (owner is not null)
        {
            var apiVersion = Json.S(owner, "apiVersion");
            var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
            var group = slash >= 0 ? apiVersion[..slash] : "";
            var kind = Json.S(owner, "kind");
            var name = Json.S(owner, "name");
            // Without kind and group only the name is shown.
            controller = kind.Length == 0 && group.Length == 0
                ? name
                : (group.Length == 0 ? kind : $"{kind}.{group}").ToLowerInvariant() + "/" + name;
        }
        return [Meta.Name(obj), controller, Json.L(obj, "revision"), Meta.Age(obj, now)];
    }
}
