namespace Shim.Scheduler.Framework;

/// <summary>A scheduling plugin; its name is upstream's plugin name where one exists.</summary>
public interface ISchedulerPlugin
{
    string Name { get; }
}
