using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Printing.Tests;

/// <summary>A fixed clock and JSON helpers so every expected cell is exact.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An RFC 3339 timestamp <paramref name="ago"/> before <see cref="Now"/>.</summary>
    public static string Ago(TimeSpan ago) =>
        (Now - ago).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Ago(int seconds) => Ago(TimeSpan.FromSeconds(seconds));

    /// <summary>Parses JSON written with single quotes for readability.</summary>
    public static JsonObject Obj(string json) => JsonNode.Parse(json.Replace('\'', '"'))!.AsObject();

    public static IReadOnlyList<object?> Cells(string group, string kind, JsonObject obj) =>
        TablePrinters.For(group, kind).Cells(obj, Now);

    /// <summary>Cells keyed by column name, for tests that look at a few columns only.</summary>
    public static Dictionary<string, object?> Row(string group, string kind, JsonObject obj)
    {
        var printer = TablePrinters.For(group, kind);
        var cells = printer.Cells(obj, Now);
        Assert.Equal(printer.Columns.Count, cells.Count);
        return printer.Columns.Select((c, i) => (c.Name, Cell: cells[i])).ToDictionary(p => p.Name, p => p.Cell);
    }
}
