namespace Shim.Scheduler.Resources;

/// <summary>The resource names the scheduler treats specially; every other name is an extended (scalar) resource.</summary>
public static class ResourceNames
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string Pods = "pods";
}
