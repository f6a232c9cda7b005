using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Validation.Kinds;
using Shim.Storage;
using static Shim.Api.ServiceNetwork.ServiceFields;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// Service cluster IPs and node ports, allocated in the service storage as upstream does
/// (pkg/registry/core/service/storage: beginCreate / beginUpdate / afterDelete and alloc.go): requested values are
/// honoured when free and in range (else 422 on the field), the rest is picked at random; what an update stops
/// using is freed once the write succeeded, what a failed write claimed is given back. The cluster is IPv4
/// single-stack: IPv6 families are refused as "not configured on this cluster".
/// </summary>
public sealed partial class ServiceAllocator : IWriteHooks
{
    /// <summary>Allocated cluster IPs, one key per IP; not a served resource (the watch cache ignores it).</summary>
    public const string IpPrefix = "/internal/serviceips/";

    /// <summary>Allocated node ports (service ports and health check ports), one key per port number.</summary>
    public const string NodePortPrefix = "/internal/servicenodeports/";

    private const string IPv4 = "IPv4";
    private const string IPv6 = "IPv6";
    private const string SingleStack = "SingleStack";
    private const string PreferDualStack = "PreferDualStack";
    private const string RequireDualStack = "RequireDualStack";

    private readonly ServiceNetworkConfig _config;
    private readonly ILogger<ServiceAllocator> _logger;

    public ServiceAllocator(IStore store, ServiceNetworkConfig config, ILogger<ServiceAllocator> logger)
    {
        _config = config;
        _logger = logger;
        Ips = new AllocationTable(store, IpPrefix);
        NodePorts = new AllocationTable(store, NodePortPrefix);
    }

    public AllocationTable Ips { get; }

    public AllocationTable NodePorts { get; }

    private ServiceIpRange Range => _config.ServiceRange;

    private NodePortRange PortRange => _config.NodePorts;

    public bool Handles(ResourceDefinition definition) => definition.Group.Length == 0 && definition.Resource == "services";

    public async Task<IWriteTransaction> BeginCreateAsync(JsonObject obj, bool dryRun, CancellationToken cancellationToken)
    {
        ServiceUpdatePreparation.NormalizeClusterIPsOnCreate(obj);
        InitIpFamilyFields(obj, null);
        var operation = new AllocationOperation(AllocationOwner.Of(obj), dryRun, _logger);
        try
        {
            await AllocateClusterIPsAsync(obj, operation, cancellationToken).ConfigureAwait(false);
            await AllocateNodePortsAsync(obj, operation, cancellationToken).ConfigureAwait(false);
            if (NeedsHealthCheckNodePort(obj))
            {
                await AllocateHealthCheckNodePortAsync(obj, operation, cancellationToken).ConfigureAwait(false);
            }

            return operation;
        }
        catch
        {
            await operation.RevertAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IWriteTransaction> BeginUpdateAsync(JsonObject updated, JsonObject current, bool dryRun, CancellationToken cancellationToken)
    {
        InitIpFamilyFields(updated, current);
        var operation = new AllocationOperation(AllocationOwner.Of(current), dryRun, _logger);
        try
        {
            await UpdateClusterIPsAsync(updated, current, operation, cancellationToken).ConfigureAwait(false);
            await UpdateNodePortsAsync(updated, current, operation, cancellationToken).ConfigureAwait(false);
            await UpdateHealthCheckNodePortAsync(updated, current, operation, cancellationToken).ConfigureAwait(false);
            return operation;
        }
        catch
        {
            await operation.RevertAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task AfterDeleteAsync(JsonObject deleted, CancellationToken cancellationToken)
    {
        var uid = AllocationOwner.Of(deleted).Uid;
        try
        {
            foreach (var ip in HeldClusterIPs(deleted))
            {
                await Ips.ReleaseAsync(ip, uid, cancellationToken).ConfigureAwait(false);
            }

            foreach (var port in HeldNodePorts(deleted))
            {
                await NodePorts.ReleaseAsync(port, uid, cancellationToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The Service is gone already; what could not be freed now, AllocationRepair frees later.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogReleaseFailed(_logger, AllocationOwner.Of(deleted).ToString(), ex);
        }
    }

    /// <summary>The allocation keys (canonical IPs in range) a stored Service holds.</summary>
    public IEnumerable<string> HeldClusterIPs(JsonObject service)
    {
        if (!NeedsClusterIP(service) || IsHeadless(service))
        {
            yield break;
        }

        foreach (var ip in ClusterIPs(service).Append(ClusterIP(service)).Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(ip, out var address) && Range.IndexOf(address) is not null)
            {
                yield return address.ToString();
            }
        }
    }

    /// <summary>The node port keys a stored Service holds: its ports' node ports and its health check node port.</summary>
    public IEnumerable<string> HeldNodePorts(JsonObject service)
    {
        var ports = ServiceFields.NodePorts(service);
        if (NeedsHealthCheckNodePort(service) && HealthCheckNodePort(service) != 0)
        {
            ports.Add(HealthCheckNodePort(service));
        }

        return ports.Where(PortRange.Contains).Distinct().Select(p => p.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Defaults ipFamilyPolicy and ipFamilies and refuses what this cluster cannot serve (upstream initIPFamilyFields,
    /// for a cluster whose only family is IPv4).
    /// </summary>
    private static void InitIpFamilyFields(JsonObject service, JsonObject? current)
    {
        if (!NeedsClusterIP(service) || (current is not null && IsMatchingPreferDualStack(service, current)))
        {
            return;
        }

        var headlessSelectorless = ClusterIP(service) == None && !HasSelector(service);
        if (IpFamilyPolicy(service) is null)
        {
            // Create: single-stack unless headless and selectorless. Update: the stored policy.
            Spec(service)["ipFamilyPolicy"] = current is not null && IpFamilyPolicy(current) is { } stored ? stored
                : headlessSelectorless ? RequireDualStack : SingleStack;
        }

        var policy = IpFamilyPolicy(service)!;
        var errors = new List<FieldError>();
        if (current is not null)
        {
            if (policy == SingleStack)
            {
                // Setting single-stack with unchanged IPs and families is the request to drop the secondary ones.
                if (SameClusterIPs(current, service) && ClusterIPs(service).Count > 1)
                {
                    SetClusterIPs(service, ClusterIPs(service).Take(1).ToList());
                }

                if (SameIpFamilies(current, service) && IpFamilies(service).Count > 1)
                {
                    SetIpFamilies(service, IpFamilies(service).Take(1).ToList());
                }
            }
            else
            {
                if (ClusterIPs(service).Count > 0 && ClusterIPs(service).Count < ClusterIPs(current).Count)
                {
                    errors.Add(FieldError.Invalid("spec.ipFamilyPolicy", policy, "must be 'SingleStack' to release the secondary cluster IP"));
                }

                if (IpFamilies(service).Count > 0 && IpFamilies(service).Count < IpFamilies(current).Count)
                {
                    errors.Add(FieldError.Invalid("spec.ipFamilyPolicy", policy, "must be 'SingleStack' to release the secondary IP family"));
                }
            }
        }

        if (policy == SingleStack)
        {
            if (ClusterIPs(service).Count == 2)
            {
                errors.Add(FieldError.Invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
            }

            if (IpFamilies(service).Count == 2)
            {
                errors.Add(FieldError.Invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
            }
        }

        // Families follow the requested cluster IPs.
        var ips = ClusterIPs(service);
        var families = IpFamilies(service);
        for (var i = 0; i < ips.Count && ips[i] != None; i++)
        {
            if (i < families.Count)
            {
                continue;
            }

            var family = FamilyOf(ips[i]);
            if (family != IPv4)
            {
                errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", Js.RenderList(ips), $"{family} is not configured on this cluster"));
            }
            else
            {
                families.Add(family);
            }
        }

        SetIpFamilies(service, families);
        ThrowIfAny(service, errors);
        if (headlessSelectorless)
        {
            // Headless without selector may hold endpoints of both families: defaults to dual-stack even here.
            if (families.Count == 0)
            {
                families.Add(IPv4);
            }

            if (families.Count < 2 && policy != SingleStack)
            {
                families.Add(families[0] == IPv4 ? IPv6 : IPv4);
            }

            SetIpFamilies(service, families);
            return;
        }

        if (policy == RequireDualStack)
        {
            errors.Add(FieldError.Invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"));
        }

        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] != IPv4)
            {
                errors.Add(FieldError.Invalid($"spec.ipFamilies[{i}]", families[i], "not configured on this cluster"));
            }
        }

        ThrowIfAny(service, errors);
        if (families.Count == 0)
        {
            SetIpFamilies(service, [IPv4]);
        }
    }

    /// <summary>A PreferDualStack service whose IP fields did not change is left as it is (no upgrade or downgrade).</summary>
    private static bool IsMatchingPreferDualStack(JsonObject updated, JsonObject current) =>
        IpFamilyPolicy(updated) == PreferDualStack
        && Type(updated) == Type(current) && Type(updated) is "ClusterIP" or "NodePort" or "LoadBalancer"
        && IpFamilyPolicy(current) is null or PreferDualStack
        && SameClusterIPs(current, updated) && SameIpFamilies(current, updated);

    private async Task AllocateClusterIPsAsync(JsonObject service, AllocationOperation operation, CancellationToken cancellationToken)
    {
        if (!NeedsClusterIP(service) || IsHeadless(service))
        {
            return;
        }

        var ips = ClusterIPs(service);
        if (ips.Count == 0)
        {
            ips.Add("");
        }

        var requested = ips[0];
        if (requested.Length == 0)
        {
            try
            {
                ips[0] = await operation.ClaimNextAsync(Ips, Range.Size, Range.Offset, i => Range.AddressAt(i).ToString(), cancellationToken).ConfigureAwait(false);
            }
            catch (AllocationFailedException ex)
            {
                throw Internal($"failed to allocate a serviceIP: {ex.Message}");
            }
        }
        else
        {
            string? problem = null;
            if (!IPAddress.TryParse(requested, out var address) || Range.IndexOf(address) is null)
            {
                problem = $"the provided IP ({requested}) is not in the valid range. The range of valid IPs is {Range.Cidr}";
            }
            else if (!await operation.TryClaimAsync(Ips, address.ToString(), cancellationToken).ConfigureAwait(false))
            {
                problem = "provided IP is already allocated";
            }

            if (problem is not null)
            {
                throw Invalid(service, FieldError.Invalid("spec.clusterIPs", Js.RenderList(ips), $"failed to allocate IP {requested}: {problem}"));
            }
        }

        SetClusterIPs(service, ips);
        SetClusterIP(service, ips[0]);
    }

    /// <summary>
    /// Node ports on create (upstream initNodePorts): ports sharing a port number (e.g. 53/TCP and 53/UDP) share one
    /// node port; a node port asked for on any of them is used for all.
    /// </summary>
    private async Task AllocateNodePortsAsync(JsonObject service, AllocationOperation operation, CancellationToken cancellationToken)
    {
        if (!NeedsNodePort(service))
        {
            return;
        }

        var ports = Ports(service);
        var byServicePort = new Dictionary<long, long>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var nodePort = NodePort(port);
            if (nodePort == 0 && !ShouldAllocateNodePorts(service))
            {
                continue;
            }

            var servicePort = port.Long("port") ?? 0;
            var path = $"spec.ports[{i}].nodePort";
            if (!byServicePort.TryGetValue(servicePort, out var shared))
            {
                var requested = ports.Where(p => (p.Long("port") ?? 0) == servicePort).Select(NodePort).FirstOrDefault(p => p != 0);
                var chosen = requested != 0
                    ? await ClaimNodePortAsync(service, operation, requested, path, cancellationToken).ConfigureAwait(false)
                    : await ClaimNextNodePortAsync(operation, cancellationToken).ConfigureAwait(false);
                SetNodePort(port, chosen);
                byServicePort[servicePort] = chosen;
            }
            else if (nodePort == 0)
            {
                SetNodePort(port, shared);
            }
            else if (nodePort != shared)
            {
                await ClaimNodePortAsync(service, operation, nodePort, path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AllocateHealthCheckNodePortAsync(JsonObject service, AllocationOperation operation, CancellationToken cancellationToken)
    {
        var requested = HealthCheckNodePort(service);
        if (requested != 0)
        {
            if (await NodePortProblemAsync(operation, requested, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                throw Internal($"failed to allocate requested HealthCheck NodePort {requested}: {problem}");
            }

            return;
        }

        try
        {
            SetHealthCheckNodePort(service, long.Parse(await operation.ClaimNextAsync(NodePorts, PortRange.Size, PortRange.Offset, PortAt, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture));
        }
        catch (AllocationFailedException ex)
        {
            throw Internal($"failed to allocate a HealthCheck NodePort 0: {ex.Message}");
        }
    }

    /// <summary>Upstream updateClusterIPs: allocate when the service starts needing cluster IPs, free them when it stops.</summary>
    private async Task UpdateClusterIPsAsync(JsonObject updated, JsonObject current, AllocationOperation operation, CancellationToken cancellationToken)
    {
        if (IsMatchingPreferDualStack(updated, current))
        {
            return;
        }

        // From ExternalName, or from a Service stored before this server allocated cluster IPs.
        if (!NeedsClusterIP(current) || (!IsHeadless(current) && ClusterIPs(current).Count == 0 && ClusterIP(current).Length == 0))
        {
            await AllocateClusterIPsAsync(updated, operation, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (IsHeadless(current))
        {
            return;
        }

        if (!NeedsClusterIP(updated))
        {
            foreach (var ip in HeldClusterIPs(current))
            {
                operation.ReleaseOnCommit(Ips, ip);
            }
        }
    }

    /// <summary>Upstream txnUpdateNodePorts / updateNodePorts.</summary>
    private async Task UpdateNodePortsAsync(JsonObject updated, JsonObject current, AllocationOperation operation, CancellationToken cancellationToken)
    {
        var oldNodePorts = ServiceFields.NodePorts(current);
        if (NeedsNodePort(current) && Type(updated) is "ExternalName" or "ClusterIP")
        {
            foreach (var port in oldNodePorts.Where(PortRange.Contains).Distinct())
            {
                operation.ReleaseOnCommit(NodePorts, port.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (!NeedsNodePort(updated))
        {
            return;
        }

        var claimed = new HashSet<long>();
        var ports = Ports(updated);
        for (var i = 0; i < ports.Count; i++)
        {
            var nodePort = NodePort(ports[i]);
            if (nodePort == 0 && !ShouldAllocateNodePorts(updated))
            {
                continue;
            }

            if (nodePort == 0)
            {
                SetNodePort(ports[i], await ClaimNextNodePortAsync(operation, cancellationToken).ConfigureAwait(false));
            }
            else if (!oldNodePorts.Contains(nodePort) && claimed.Add(nodePort))
            {
                await ClaimNodePortAsync(updated, operation, nodePort, $"spec.ports[{i}].nodePort", cancellationToken).ConfigureAwait(false);
            }
        }

        var newNodePorts = ServiceFields.NodePorts(updated);
        foreach (var port in oldNodePorts.Where(p => !newNodePorts.Contains(p) && PortRange.Contains(p)).Distinct())
        {
            operation.ReleaseOnCommit(NodePorts, port.ToString(CultureInfo.InvariantCulture));
        }
    }

    private async Task UpdateHealthCheckNodePortAsync(JsonObject updated, JsonObject current, AllocationOperation operation, CancellationToken cancellationToken)
    {
        var needed = NeedsHealthCheckNodePort(current);
        var needs = NeedsHealthCheckNodePort(updated);
        if (!needed && needs)
        {
            await AllocateHealthCheckNodePortAsync(updated, operation, cancellationToken).ConfigureAwait(false);
        }
        else if (needed && !needs && HealthCheckNodePort(current) is var old and not 0 && PortRange.Contains(old))
        {
            operation.ReleaseOnCommit(NodePorts, old.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Claims a requested node port or fails with upstream's 422 on the port's field.</summary>
    private async Task<long> ClaimNodePortAsync(JsonObject service, AllocationOperation operation, long nodePort, string path, CancellationToken cancellationToken)
    {
        if (await NodePortProblemAsync(operation, nodePort, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw Invalid(service, FieldError.Invalid(path, nodePort, problem));
        }

        return nodePort;
    }

    private async Task<string?> NodePortProblemAsync(AllocationOperation operation, long nodePort, CancellationToken cancellationToken)
    {
        if (!PortRange.Contains(nodePort))
        {
            return $"provided port is not in the valid range. The range of valid ports is {PortRange}";
        }

        return await operation.TryClaimAsync(NodePorts, nodePort.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false)
            ? null
            : "provided port is already allocated";
    }

    private async Task<long> ClaimNextNodePortAsync(AllocationOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            var port = await operation.ClaimNextAsync(NodePorts, PortRange.Size, PortRange.Offset, PortAt, cancellationToken).ConfigureAwait(false);
            return long.Parse(port, CultureInfo.InvariantCulture);
        }
        catch (AllocationFailedException ex)
        {
            throw Internal($"failed to allocate a nodePort: {ex.Message}");
        }
    }

    private string PortAt(long index) => (PortRange.First + index).ToString(CultureInfo.InvariantCulture);

    private static string FamilyOf(string ip) =>
        IPAddress.TryParse(ip, out var address) ? address.AddressFamily == AddressFamily.InterNetworkV6 ? IPv6 : IPv4 : "unknown";

    private static void ThrowIfAny(JsonObject service, List<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            throw ApiException.Invalid("", "Service", service.Str("metadata", "name") ?? "", errors);
        }
    }

    private static ApiException Invalid(JsonObject service, FieldError error) => ApiException.Invalid("", "Service", service.Str("metadata", "name") ?? "", [error]);

    /// <summary>Upstream NewInternalError: allocation failures that are not the client's field (a full range).</summary>
    private static ApiException Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not free the allocations of deleted service {Service}; the repair loop will")]
    private static partial void LogReleaseFailed(ILogger logger, string service, Exception ex);
}
