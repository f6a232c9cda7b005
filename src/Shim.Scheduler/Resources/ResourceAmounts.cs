using Shim.Model;

namespace Shim.Scheduler.Resources;

/// <summary>
/// An amount of compute resources in the units the scheduler compares: cpu in millicores, memory and
/// ephemeral-storage in bytes, pods as a count, extended resources (e.g. nvidia.com/gpu) in whole units.
/// Mutable so node accounting can add and subtract pods cheaply; callers outside the library only read it.
/// </summary>
public sealed class ResourceAmounts
{
    private Dictionary<string, long>? _scalars;

    public long MilliCpu { get; private set; }

    public long Memory { get; private set; }

    public long EphemeralStorage { get; private set; }

    /// <summary>How many pods (from a node's allocatable "pods"); unused for pod requests.</summary>
    public long Pods { get; private set; }

    /// <summary>Extended resources by name.</summary>
    public IReadOnlyDictionary<string, long> Scalars => _scalars ?? (IReadOnlyDictionary<string, long>)EmptyScalars;

    private static readonly Dictionary<string, long> EmptyScalars = new(StringComparer.Ordinal);

    /// <summary>True when nothing at all is requested (a best-effort pod).</summary>
    public bool IsZero => MilliCpu == 0 && Memory == 0 && EphemeralStorage == 0 && Pods == 0 && Scalars.Values.All(v => v == 0);

    /// <summary>Reads a resource list (requests, limits, allocatable, overhead); a missing list is all zero.</summary>
    public static ResourceAmounts From(IReadOnlyDictionary<string, Quantity>? list)
    {
        var amounts = new ResourceAmounts();
        if (list is null)
            return amounts;
        foreach (var (name, quantity) in list)
            amounts.Set(name, name == ResourceNames.Cpu ? ResourceQuantity.ToMilliUnits(quantity.Value) : ResourceQuantity.ToUnits(quantity.Value));
        return amounts;
    }

    /// <summary>The amount of one resource by its API name, in scheduler units (cpu in millicores).</summary>
    public long Get(string resourceName) => resourceName switch
    {
        ResourceNames.Cpu => MilliCpu,
        ResourceNames.Memory => Memory,
        ResourceNames.EphemeralStorage => EphemeralStorage,
        ResourceNames.Pods => Pods,
        _ => _scalars?.GetValueOrDefault(resourceName) ?? 0,
    };

    public ResourceAmounts Clone()
    {
        var copy = new ResourceAmounts();
        copy.Add(this);
        return copy;
    }

    internal void Set(string resourceName, long value)
    {
        switch (resourceName)
        {
            case ResourceNames.Cpu: MilliCpu = value; break;
            case ResourceNames.Memory: Memory = value; break;
            case ResourceNames.EphemeralStorage: EphemeralStorage = value; break;
            case ResourceNames.Pods: Pods = value; break;
            default:
                _scalars ??= new Dictionary<string, long>(StringComparer.Ordinal);
                _scalars[resourceName] = value;
                break;
        }
    }

    internal void Add(ResourceAmounts other) => Combine(other, static (a, b) => a + b);

    internal void Subtract(ResourceAmounts other) => Combine(other, static (a, b) => a - b);

    /// <summary>Raises every resource to at least the other's amount (how init containers combine).</summary>
    internal void MaxWith(ResourceAmounts other) => Combine(other, Math.Max);

    private void Combine(ResourceAmounts other, Func<long, long, long> op)
    {
        MilliCpu = op(MilliCpu, other.MilliCpu);
        Memory = op(Memory, other.Memory);
        EphemeralStorage = op(EphemeralStorage, other.EphemeralStorage);
        Pods = op(Pods, other.Pods);
        foreach (var (name, value) in other.Scalars)
            Set(name, op(Get(name), value));
    }

    public override string ToString() =>
        $"cpu={MilliCpu}m memory={Memory} ephemeral-storage={EphemeralStorage} pods={Pods}"
        + string.Concat(Scalars.Select(s => $" {s.Key}={s.Value}"));
}
