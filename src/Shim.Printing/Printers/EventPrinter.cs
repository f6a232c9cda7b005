using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>
/// Event in either core/v1 or events.k8s.io/v1 form. Upstream prints both from one internal type, so the
/// events.k8s.io field names are mapped onto their core/v1 counterparts first.
/// </summary>
public sealed class EventPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Text("Last Seen", "Time since the event was last observed."),
        ColumnDefs.Text("Type", "Normal or Warning."),
        ColumnDefs.Text("Reason", "Short machine-readable cause of the event."),
        ColumnDefs.Text("Object", "Object the event is about, as kind/name."),
        ColumnDefs.Text("Subobject", "Part of the object the event is about, such as a container.", 1),
        ColumnDefs.Text("Source", "Component (and host) that reported the event.", 1),
        ColumnDefs.Text("Message", "Human-readable description of the event."),
        ColumnDefs.Text("First Seen", "Time since the event was first observed.", 1),
        ColumnDefs.Text("Count", "How many times the event occurred.", 1),
        new("Name", "string", "name", "Name of the event object.", 1),
    ];

    private readonly bool _eventsApiByDefault;

    /// <param name="eventsApiByDefault">Read objects without an apiVersion as events.k8s.io/v1.</param>
    public EventPrinter(bool eventsApiByDefault = false) => _eventsApiByDefault = eventsApiByDefault;

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var eventsApi = IsEventsApi(obj);

        var involved = Json.Obj(obj, eventsApi ? "regarding" : "involvedObject");
        var message = Json.S(obj, eventsApi ? "note" : "message");
        var source = Json.Obj(obj, eventsApi ? "deprecatedSource" : "source");
        var first = Json.Time(obj, eventsApi ? "deprecatedFirstTimestamp" : "firstTimestamp");
        var last = Json.Time(obj, eventsApi ? "deprecatedLastTimestamp" : "lastTimestamp");
        var count = Json.L(obj, eventsApi ? "deprecatedCount" : "count");
        var reportingController = Json.S(obj, eventsApi ? "reportingController" : "reportingComponent");
        var reportingInstance = Json.S(obj, "reportingInstance");

        // Newer clients set only eventTime (and series); older ones only first/last timestamps.
        var firstSeen = first is null
            ? HumanDuration.Since(Json.Time(obj, "eventTime"), now)
            : HumanDuration.Since(first, now);
        var lastSeen = last is null ? firstSeen : HumanDuration.Since(last, now);

        if (Json.Obj(obj, "series") is { } series)
        {
            lastSeen = HumanDuration.Since(Json.Time(series, "lastObservedTime"), now);
            count = Json.L(series, "count");
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var kind = Json.S(involved, "kind").ToLowerInvariant();
        var name = Json.S(involved, "name");
        var target = name.Length > 0 ? $"{kind}/{name}" : kind;

        var component = FirstNonEmpty(Json.S(source, "component"), reportingController);
        var host = FirstNonEmpty(Json.S(source, "host"), reportingInstance);
        var sourceText = host.Length == 0 ? component : $"{component}, {host}";

        return
        [
            lastSeen,
            Json.S(obj, "type"),
            Json.S(obj, "reason"),
            target,
            Json.S(involved, "fieldPath"),
            sourceText,
            message.Trim(),
            firstSeen,
            count,
            Meta.Name(obj),
        ];
    }

    // The apiVersion decides; without one, fields only one of the two shapes has decide.
    private bool IsEventsApi(JsonObject obj)
    {
        if (Json.Str(obj, "apiVersion") is { } apiVersion)
        {
            return apiVersion.StartsWith("events.k8s.io/", StringComparison.Ordinal);
        }
        if (Json.Has(obj, "regarding") || Json.Has(obj, "note") || Json.Has(obj, "deprecatedSource"))
        {
            return true;
        }
        if (Json.Has(obj, "involvedObject") || Json.Has(obj, "message") || Json.Has(obj, "source"))
        {
            return false;
        }
        return _eventsApiByDefault;
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
