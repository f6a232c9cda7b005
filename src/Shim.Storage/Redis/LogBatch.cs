namespace Shim.Storage.Redis;

/// <summary>One read of the event log: the matching events, the last revision read and how many entries were read.</summary>
internal sealed record LogBatch(IReadOnlyList<StoreEvent> Events, long LastScanned, int Scanned);
