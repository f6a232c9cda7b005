namespace Shim.Scheduler.Framework;

/// <summary>A score plugin with the weight its normalized score is multiplied by.</summary>
public sealed record WeightedScorePlugin(IScorePlugin Plugin, int Weight);
