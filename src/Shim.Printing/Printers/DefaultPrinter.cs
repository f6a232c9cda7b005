using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>
/// The generic table for kinds without a printer: name plus creation time as an RFC 3339 date, which
/// clients render as an age themselves.
/// </summary>
public sealed class DefaultPrinter : ITablePrinter
{
    public static readonly DefaultPrinter Instance = new();

    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        new("Created At", "date", "", "Time the object was created.", 0),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        // Go formats an unset time as its zero value, so the cell is never empty.
        var created = Json.Time(obj, "metadata", "creationTimestamp")?.UtcDateTime ?? DateTime.MinValue;
        return [Meta.Name(obj), created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)];
    }
}
