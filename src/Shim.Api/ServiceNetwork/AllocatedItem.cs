namespace Shim.Api.ServiceNetwork;

/// <summary>One allocation key as listed: the item (an IP or a port number), its owner and its modification revision.</summary>
public sealed record AllocatedItem(string Item, AllocationOwner? Owner, long Revision);
