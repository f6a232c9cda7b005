using System.Text;

namespace Shim.Api.Apply;

/// <summary>
/// Who owns a managedFields entry: manager name, operation, API version (for updates only, so an applier keeps
/// one entry across versions) and subresource. Upstream keys entries by the JSON of exactly these fields.
/// </summary>
internal sealed record ManagerIdentity(string Manager, string Operation, string ApiVersion, string Subresource)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    /// <summary>The placeholder owner of the current operation's changes before they join the real manager.</summary>
    public static ManagerIdentity CurrentOperation { get; } = new("current-operation", "", "", "");

    public static ManagerIdentity ForUpdate(string manager, string apiVersion, string? subresource) =>
        new(manager, Update, apiVersion, subresource ?? "");

    public static ManagerIdentity ForApply(string manager, string? subresource) => new(manager, Apply, "", subresource ?? "");

    /// <summary>The identifier upstream uses as the key (and sorts conflicts by): the entry's JSON without fields and time.</summary>
    public string Key
    {
        get
        {
            if (ReferenceEquals(this, CurrentOperation))
            {
                return Manager;
            }

            var sb = new StringBuilder("{");
            var first = true;
            void Field(string name, string value)
            {
                if (value.Length == 0)
                {
                    return;
                }

                if (!first)
                {
                    sb.Append(',');
                }

                first = false;
                sb.Append('"').Append(name).Append("\":");
                JsonValues.WriteGoString(sb, value, htmlSafe: true);
            }

            Field("manager", Manager);
            Field("operation", Operation);
            Field("apiVersion", Operation == Apply ? "" : ApiVersion);
            Field("subresource", Subresource);
            return sb.Append('}').ToString();
        }
    }

    /// <summary>How conflicts name the manager: "name", with subresource "x", using the version for updaters.</summary>
    public string Describe()
    {
        var text = JsonValues.GoQuote(Manager);
        if (Subresource.Length > 0)
        {
            text = $"{text} with subresource {JsonValues.GoQuote(Subresource)}";
        }

        return Operation == Update ? $"{text} using {ApiVersion}" : text;
    }
}
