namespace Shim.Scheduler.Plugins.InterPodAffinity;

/// <summary>One topology domain: a node label key and value, e.g. kubernetes.io/hostname=node-a.</summary>
internal readonly record struct TopologyPair(string Key, string Value);
