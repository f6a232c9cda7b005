using System.Text.Json.Nodes;

namespace Shim.Printing;

/// <summary>Server-side printing of one kind: the columns kubectl shows and one row per object.</summary>
public interface ITablePrinter
{
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>
    /// The cells of the row for <paramref name="obj"/> (the full object as JSON), one per column, in order:
    /// strings, or long/int for integer columns, bool for boolean columns.
    /// </summary>
    IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now);

    /// <summary>Optional row conditions (pods: Completed/True when Succeeded or Failed); null when none.</summary>
    JsonArray? Conditions(JsonObject obj) => null;
}
