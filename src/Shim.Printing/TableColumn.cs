namespace Shim.Printing;

/// <summary>A meta.k8s.io/v1 TableColumnDefinition. Type is string, integer, number, boolean or date.</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority);
