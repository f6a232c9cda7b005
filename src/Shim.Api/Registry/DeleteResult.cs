using System.Text.Json.Nodes;

namespace Shim.Api.Registry;

/// <param name="Object">The object: its last state when removed, or its state with deletionTimestamp when deletion is pending.</param>
/// <param name="Removed">True when the object is gone from the store.</param>
public sealed record DeleteResult(JsonObject Object, bool Removed);
