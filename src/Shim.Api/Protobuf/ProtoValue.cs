using System.Text.Json.Nodes;

namespace Shim.Api.Protobuf;

/// <summary>A converted field value and whether it is Go's zero value (for omitempty/omitzero).</summary>
internal readonly record struct ProtoValue(JsonNode? Node, bool IsZero);
