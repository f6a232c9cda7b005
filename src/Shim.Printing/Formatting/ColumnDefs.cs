namespace Shim.Printing.Formatting;

/// <summary>Factories for column definitions so every printer spells the shared columns identically.</summary>
internal static class ColumnDefs
{
    public static TableColumn Name(string description = "Name of the object, unique within its namespace.") =>
        new("Name", "string", "name", description, 0);

    public static readonly TableColumn Age =
        new("Age", "string", "", "Time since the object was created.", 0);

    public static TableColumn Text(string name, string description, int priority = 0) =>
        new(name, "string", "", description, priority);

    public static TableColumn Integer(string name, string description, int priority = 0) =>
        new(name, "integer", "", description, priority);

    public static TableColumn Boolean(string name, string description, int priority = 0) =>
        new(name, "boolean", "", description, priority);

    public static TableColumn Containers(int priority = 1) =>
        Text("Containers", "Container names of the pod template.", priority);

    public static TableColumn Images(int priority = 1) =>
        Text("Images", "Container images of the pod template.", priority);

    public static TableColumn Selector(string description = "Label selector of the pods this object manages.") =>
        Text("Selector", description, 1);
}
