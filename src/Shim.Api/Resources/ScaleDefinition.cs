using System.Text.Json.Nodes;

namespace Shim.Api.Resources;

/// <summary>How a kind maps onto autoscaling/v1 Scale: replicas at spec.replicas / status.replicas, and its selector as a string.</summary>
public sealed record ScaleDefinition(Func<JsonObject, string> Selector);
