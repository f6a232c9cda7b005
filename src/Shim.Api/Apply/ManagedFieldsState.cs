using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// The decoded metadata.managedFields of an object: each manager's versioned field set and the time of its
/// last change, and the encoding back into entries sorted as upstream sorts them (operation, time, manager,
/// apiVersion, subresource).
/// </summary>
internal sealed class ManagedFieldsState
{
    public Dictionary<ManagerIdentity, VersionedFieldSet> Fields { get; } = [];
    public Dictionary<ManagerIdentity, DateTimeOffset?> Times { get; } = [];

    public ManagedFieldsState Copy()
    {
        var copy = new ManagedFieldsState();
        foreach (var (k, v) in Fields)
        {
            copy.Fields[k] = v;
        }

        foreach (var (k, v) in Times)
        {
            copy.Times[k] = v;
        }

        return copy;
    }

    /// <summary>Decodes managedFields entries; throws FormatException for entries upstream refuses.</summary>
    public static ManagedFieldsState Decode(JsonNode? managedFields)
    {
        var state = new ManagedFieldsState();
        if (managedFields is null)
        {
            return state;
        }

        if (managedFields is not JsonArray entries)
        {
            throw new FormatException("managedFields must be a list");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] as JsonObject ?? new JsonObject();
            var operation = Text(entry, "operation");
            if (operation is not (ManagerIdentity.Apply or ManagerIdentity.Update))
            {
                throw new FormatException("operation must be `Apply` or `Update`");
            }

            var apiVersion = Text(entry, "apiVersion");
            if (apiVersion.Length < 1)
            {
                throw new FormatException("apiVersion must not be empty");
            }

            var fieldsType = Text(entry, "fieldsType");
            if (fieldsType.Length == 0)
            {
                throw new FormatException($"missing fieldsType in managed fields entry {i}");
            }

            if (fieldsType != "FieldsV1")
            {
                throw new FormatException($"invalid fieldsType {JsonValues.GoQuote(fieldsType)} in managed fields entry {i}");
            }

            var manager = Text(entry, "manager");
            var subresource = Text(entry, "subresource");
            var identity = operation == ManagerIdentity.Apply
                ? ManagerIdentity.ForApply(manager, subresource)
                : ManagerIdentity.ForUpdate(manager, apiVersion, subresource);
            var set = FieldSet.FromFieldsV1(entry["fieldsV1"]);
            state.Fields[identity] = new VersionedFieldSet(set, apiVersion, operation == ManagerIdentity.Apply);
            state.Times[identity] = entry["time"] is { } t ? ParseTime(t) : null;
        }

        return state;
    }

    /// <summary>Decodes, or gives an empty state when the entries are not valid.</summary>
    public static ManagedFieldsState DecodeOrEmpty(JsonNode? managedFields)
    {
        try
        {
            return Decode(managedFields);
        }
        catch (FormatException)
        {
            return new ManagedFieldsState();
        }
        catch (InvalidOperationException)
        {
            return new ManagedFieldsState();
        }
    }

    private static string Text(JsonObject entry, string name) => entry[name] switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new FormatException($"{name} must be a string"),
    };

    private static DateTimeOffset ParseTime(JsonNode node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t.ToUniversalTime();
        }

        throw new FormatException("time must be an RFC 3339 timestamp");
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The entries, sorted as upstream; null when there are none (the field is then omitted).</summary>
    public JsonArray? Encode()
    {
        if (Fields.Count == 0)
        {
            return null;
        }

        var entries = new List<(string Operation, long Seconds, string Manager, string ApiVersion, string Subresource, JsonObject Entry)>();
        foreach (var (identity, versioned) in Fields)
        {
            var operation = versioned.Applied ? ManagerIdentity.Apply : identity.Operation;
            var time = Times.GetValueOrDefault(identity);
            var entry = new JsonObject();
            if (identity.Manager.Length > 0)
            {
                entry["manager"] = identity.Manager;
            }

            entry["operation"] = operation;
            entry["apiVersion"] = versioned.ApiVersion;
            if (time is { } t)
            {
                entry["time"] = FormatTime(t);
            }

            entry["fieldsType"] = "FieldsV1";
            entry["fieldsV1"] = versioned.Set.ToFieldsV1();
            if (identity.Subresource.Length > 0)
            {
                entry["subresource"] = identity.Subresource;
            }

            entries.Add((operation, time?.ToUnixTimeSeconds() ?? 0, identity.Manager, versioned.ApiVersion, identity.Subresource, entry));
        }

        entries.Sort((p, q) =>
        {
            var c = JsonValues.CompareStrings(p.Operation, q.Operation);
            if (c != 0)
            {
                return c;
            }

            if (p.Seconds != q.Seconds)
            {
                return p.Seconds < q.Seconds ? -1 : 1;
            }

            c = JsonValues.CompareStrings(p.Manager, q.Manager);
            if (c != 0)
            {
                return c;
            }

            c = JsonValues.CompareStrings(p.ApiVersion, q.ApiVersion);
            return c != 0 ? c : JsonValues.CompareStrings(p.Subresource, q.Subresource);
        });

        var array = new JsonArray();
        foreach (var e in entries)
        {
            array.Add(e.Entry);
        }

        return array;
    }
}
