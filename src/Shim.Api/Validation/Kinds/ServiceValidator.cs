using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 Service: ValidateService and ValidateServiceUpdate.</summary>
public static class ServiceValidator
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private const int MaxAffinitySeconds = 86400;

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var oldSpec = old?.Obj("spec");
        var type = spec.Text("type");
        var effectiveType = type.Length == 0 ? "ClusterIP" : type;
        var clusterIPs = ClusterIPs(spec, oldSpec, effectiveType);
        var headless = clusterIPs.Count == 1 && clusterIPs[0] == "None";
        var annotations = obj.Obj("metadata").Obj("annotations");
        const string hintsKey = "service.kubernetes.io/topology-aware-hints";
        const string modeKey = "service.kubernetes.io/topology-mode";
        if (annotations?.TextOrNull(hintsKey) is { } hints && annotations.TextOrNull(modeKey) is { } mode && hints != mode)
        {
            errors.Add(Err.Invalid($"metadata.annotations[{modeKey}]", mode, $"must match annotations[{hintsKey}] when both are specified"));
        }

        if (old is not null)
        {
            ValidateUpdate(spec, oldSpec ?? [], clusterIPs, ClusterIPs(oldSpec ?? [], null, oldSpec.Text("type") is { Length: > 0 } t ? t : "ClusterIP"), effectiveType, errors);
        }

        var ports = spec.List("ports");
        if (ports.Count == 0 && !headless && effectiveType != "ExternalName")
        {
            errors.Add(Err.Required("spec.ports"));
        }

        switch (effectiveType)
        {
            case "LoadBalancer" or "NodePort":
                if (headless)
                {
                    errors.Add(Err.Invalid("spec.clusterIPs[0]", clusterIPs[0], $"may not be set to 'None' for {effectiveType} services"));
                }

                break;
            case "ExternalName":
                if (clusterIPs.Count > 0)
                {
                    errors.Add(Err.Forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
                }

                if (spec.HasItems("ipFamilies"))
                {
                    errors.Add(Err.Forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
                }

                if (spec.IsSet("ipFamilyPolicy"))
                {
                    errors.Add(Err.Forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
                }

                var cname = spec.Text("externalName");
                cname = cname.EndsWith('.') ? cname[..^1] : cname;
                if (cname.Length > 0)
                {
                    Err.InvalidEach(errors, "spec.externalName", cname, Formats.Dns1123Subdomain(cname));
                }
                else
                {
                    errors.Add(Err.Required("spec.externalName"));
                }

                break;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            Port(ports[i] as JsonObject ?? [], ports.Count > 1, names, $"spec.ports[{i}]", errors);
        }

        Labels.ValidateLabels(spec["selector"], "spec.selector", errors);
        var affinity = spec.Text("sessionAffinity");
        if (affinity.Length > 0 && affinity is not ("ClientIP" or "None"))
        {
            errors.Add(Err.NotSupported("spec.sessionAffinity", affinity, "ClientIP", "None"));
        }

        if (affinity == "ClientIP")
        {
            if (spec.Obj("sessionAffinityConfig").Obj("clientIP").Num("timeoutSeconds") is { } timeout && (timeout <= 0 || timeout > MaxAffinitySeconds))
            {
                errors.Add(Err.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout, $"must be greater than 0 and less than {MaxAffinitySeconds}"));
            }
        }
        else if (affinity == "None" && spec.IsSet("sessionAffinityConfig"))
        {
            errors.Add(Err.Forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
        }

        if (effectiveType != "ExternalName")
        {
            ClusterIPsRelatedFields(spec, clusterIPs, headless, errors);
        }

        var externalIPs = spec.List("externalIPs");
        for (var i = 0; i < externalIPs.Count; i++)
        {
            var ip = Js.AsText(externalIPs[i]) ?? "";
            var before = errors.Count;
            Formats.ValidIp(errors, $"spec.externalIPs[{i}]", ip);
            if (errors.Count == before)
            {
                Formats.NonSpecialIp(errors, $"spec.externalIPs[{i}]", ip);
            }
        }

        if (type.Length > 0 && !Types.Contains(type))
        {
            errors.Add(Err.NotSupported("spec.type", type, Types));
        }

        if (effectiveType == "ClusterIP")
        {
            for (var i = 0; i < ports.Count; i++)
            {
                if ((ports[i].Num("nodePort") ?? 0) != 0)
                {
                    errors.Add(Err.Forbidden($"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }

        var nodePorts = new HashSet<(string, long)>();
        var portKeys = new HashSet<(string, long)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var protocol = ports[i].Text("protocol") is { Length: > 0 } pr ? pr : "TCP";
            var nodePort = ports[i].Num("nodePort") ?? 0;
            if (nodePort != 0 && !nodePorts.Add((protocol, nodePort)))
            {
                errors.Add(Err.Duplicate($"spec.ports[{i}].nodePort", nodePort));
            }
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var protocol = ports[i].Text("protocol") is { Length: > 0 } pr ? pr : "TCP";
            var port = ports[i].Num("port") ?? 0;
            if (!portKeys.Add((protocol, port)))
            {
                errors.Add(Err.Duplicate($"spec.ports[{i}]", new RawValue($"{{\"protocol\":\"{protocol}\",\"port\":{port}}}")));
            }
        }

        var sourceRanges = spec.List("loadBalancerSourceRanges");
        if (sourceRanges.Count > 0)
        {
            if (effectiveType != "LoadBalancer")
            {
                errors.Add(Err.Forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
            }

            for (var i = 0; i < sourceRanges.Count; i++)
            {
                Formats.ValidCidr(errors, $"spec.LoadBalancerSourceRanges[{i}]", (Js.AsText(sourceRanges[i]) ?? "").Trim());
            }
        }
        else if (annotations?.TextOrNull("service.beta.kubernetes.io/load-balancer-source-ranges") is { } rangesAnnotation)
        {
            const string path = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
            if (effectiveType != "LoadBalancer")
            {
                errors.Add(Err.Forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
            }

            rangesAnnotation = rangesAnnotation.Trim();
            if (rangesAnnotation.Length > 0)
            {
                foreach (var cidr in rangesAnnotation.Split(','))
                {
                    Formats.ValidCidr(errors, path, cidr.Trim());
                }
            }
        }

        if (spec.IsSet("allocateLoadBalancerNodePorts") && effectiveType != "LoadBalancer")
        {
            errors.Add(Err.Forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
        }

        if (effectiveType == "LoadBalancer")
        {
            if (spec.TextOrNull("loadBalancerClass") is { } lbClass)
            {
                Err.InvalidEach(errors, "spec.loadBalancerClass", lbClass, Formats.QualifiedName(lbClass));
            }
        }
        else if (spec.IsSet("loadBalancerClass"))
        {
            errors.Add(Err.Forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
        }

        ExternalTrafficPolicy(spec, effectiveType, errors);
        if (spec.TextOrNull("internalTrafficPolicy") is { } itp && itp is not ("Cluster" or "Local"))
        {
            errors.Add(Err.NotSupported("spec.internalTrafficPolicy", itp, "Cluster", "Local"));
        }

        if (spec.TextOrNull("trafficDistribution") is { } distribution && distribution is not ("PreferClose" or "PreferSameZone" or "PreferSameNode"))
        {
            errors.Add(Err.NotSupported("spec.trafficDistribution", distribution, "PreferClose", "PreferSameNode", "PreferSameZone"));
        }

        return errors;
    }

    /// <summary>spec.clusterIPs as the strategy normalises it (clusterIP mirrored; kept from the old object when omitted).</summary>
    private static List<string> ClusterIPs(JsonObject spec, JsonObject? oldSpec, string type)
    {
        var ips = spec.List("clusterIPs").Select(ip => Js.AsText(ip) ?? "").ToList();
        var clusterIP = spec.Text("clusterIP");
        if (ips.Count == 0 && clusterIP.Length > 0)
        {
            ips.Add(clusterIP);
        }

        if (ips.Count == 0 && oldSpec is not null && type != "ExternalName" && oldSpec.Text("type") != "ExternalName")
        {
            ips = ClusterIPs(oldSpec, null, "ClusterIP");
        }

        return ips;
    }

    private static void Port(JsonObject port, bool requireName, HashSet<string> names, string path, List<FieldError> errors)
    {
        var name = port.Text("name");
        if (requireName && name.Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }
        else if (name.Length != 0)
        {
            Err.InvalidEach(errors, path + ".name", name, Formats.Dns1123Label(name));
            if (!names.Add(name))
            {
                errors.Add(Err.Duplicate(path + ".name", name));
            }
        }

        var number = port.Num("port") ?? 0;
        Err.InvalidEach(errors, path + ".port", number, Formats.PortNum(number));
        var protocol = port.Text("protocol");
        if (protocol.Length > 0 && !Protocols.Contains(protocol))
        {
            errors.Add(Err.NotSupported(path + ".protocol", protocol, Protocols));
        }

        if (port["targetPort"] is { } targetPort && Js.AsText(targetPort) is not ("0" or ""))
        {
            ContainerValidator.PortNumOrName(targetPort, path + ".targetPort", errors);
        }

        if (port.TextOrNull("appProtocol") is { } appProtocol)
        {
            Err.InvalidEach(errors, path + ".appProtocol", appProtocol, Formats.QualifiedName(appProtocol));
        }

        if (port.Num("nodePort") is { } nodePort && (nodePort < 0 || nodePort > 65535))
        {
            errors.Add(Err.Invalid(path + ".nodePort", nodePort, Formats.InclusiveRangeError(0, 65535)));
        }
    }

    private static void ClusterIPsRelatedFields(JsonObject spec, List<string> clusterIPs, bool headless, List<FieldError> errors)
    {
        var clusterIP = spec.Text("clusterIP");
        if (clusterIP.Length != 0)
        {
            if (clusterIPs.Count == 0)
            {
                errors.Add(Err.Required("spec.clusterIPs"));
            }
            else if (clusterIPs[0] != clusterIP)
            {
                errors.Add(Err.Invalid("spec.clusterIPs", Js.RenderList(clusterIPs), "first value must match `clusterIP`"));
            }
        }
        else if (spec.HasItems("clusterIPs"))
        {
            errors.Add(Err.Invalid("spec.clusterIPs", Js.RenderList(clusterIPs), "must be empty when `clusterIP` is not specified"));
        }

        var families = spec.List("ipFamilies").Select(f => Js.AsText(f) ?? "").ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] is not ("IPv4" or "IPv6"))
            {
                errors.Add(Err.NotSupported($"spec.ipFamilies[{i}]", families[i], "IPv4", "IPv6"));
            }

            if (!seen.Add(families[i]))
            {
                errors.Add(Err.Duplicate($"spec.ipFamilies[{i}]", families[i]));
            }
        }

        if (spec.TextOrNull("ipFamilyPolicy") is { } policy && policy is not ("SingleStack" or "PreferDualStack" or "RequireDualStack"))
        {
            errors.Add(Err.NotSupported("spec.ipFamilyPolicy", policy, "PreferDualStack", "RequireDualStack", "SingleStack"));
        }

        var invalid = false;
        for (var i = 0; i < clusterIPs.Count; i++)
        {
            if (i == 0 && clusterIPs[i] == "None")
            {
                if (clusterIPs.Count > 1)
                {
                    invalid = true;
                    errors.Add(Err.Invalid("spec.clusterIPs", Js.RenderList(clusterIPs), "'None' must be the first and only value"));
                }

                continue;
            }

            var before = errors.Count;
            Formats.ValidIp(errors, $"spec.clusterIPs[{i}]", clusterIPs[i]);
            invalid |= errors.Count != before;
        }

        if (clusterIPs.Count > 2)
        {
            errors.Add(Err.Invalid("spec.clusterIPs", Js.RenderList(clusterIPs), "may only hold up to 2 values"));
        }

        if (invalid)
        {
            return;
        }

        if (clusterIPs.Count > 1 && Formats.IsIpv6(clusterIPs[0]) == Formats.IsIpv6(clusterIPs[1]))
        {
            errors.Add(Err.Invalid("spec.clusterIPs", Js.RenderList(clusterIPs), "may specify no more than one IP for each IP family"));
        }

        if (!headless && clusterIPs.Count > 0 && families.Count > 0)
        {
            for (var i = 0; i < clusterIPs.Count && i < families.Count; i++)
            {
                if (families[i] == "IPv4" && Formats.IsIpv6(clusterIPs[i]))
                {
                    errors.Add(Err.Invalid($"spec.clusterIPs[{i}]", clusterIPs[i], $"expected an IPv4 value as indicated by `ipFamilies[{i}]`"));
                }

                if (families[i] == "IPv6" && !Formats.IsIpv6(clusterIPs[i]))
                {
                    errors.Add(Err.Invalid($"spec.clusterIPs[{i}]", clusterIPs[i], $"expected an IPv6 value as indicated by `ipFamilies[{i}]`"));
                }
            }
        }
    }

    private static void ExternalTrafficPolicy(JsonObject spec, string type, List<FieldError> errors)
    {
        var accessible = type is "LoadBalancer" or "NodePort" || (type == "ClusterIP" && spec.HasItems("externalIPs"));
        var policy = spec.Text("externalTrafficPolicy");
        if (!accessible)
        {
            if (policy.Length > 0)
            {
                errors.Add(Err.Invalid("spec.externalTrafficPolicy", policy, "may only be set for externally-accessible services"));
            }
        }
        else if (policy.Length > 0 && policy is not ("Cluster" or "Local"))
        {
            errors.Add(Err.NotSupported("spec.externalTrafficPolicy", policy, "Cluster", "Local"));
        }

        var healthCheck = spec.Num("healthCheckNodePort") ?? 0;
        var needsHealthCheck = type == "LoadBalancer" && policy == "Local";
        if (!needsHealthCheck)
        {
            if (healthCheck != 0)
            {
                errors.Add(Err.Invalid("spec.healthCheckNodePort", healthCheck, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
            }
        }
        else if (healthCheck != 0)
        {
            Err.InvalidEach(errors, "spec.healthCheckNodePort", healthCheck, Formats.PortNum(healthCheck));
        }
    }

    private static void ValidateUpdate(JsonObject spec, JsonObject oldSpec, List<string> ips, List<string> oldIps, string type, List<FieldError> errors)
    {
        var oldType = oldSpec.Text("type") is { Length: > 0 } t ? t : "ClusterIP";
        if (type != "ExternalName" && oldType != "ExternalName")
        {
            var newHeadless = ips.Count == 1 && ips[0] == "None";
            var oldHeadless = oldIps.Count == 1 && oldIps[0] == "None";
            if (!(newHeadless && oldHeadless))
            {
                if (oldIps.Count == ips.Count)
                {
                    for (var i = 0; i < oldIps.Count; i++)
                    {
                        if (oldIps[i] != ips[i])
                        {
                            errors.Add(Err.Invalid($"spec.clusterIPs[{i}]", Js.RenderList(ips), "may not change once set"));
                        }
                    }
                }
                else if (oldIps.Count > ips.Count)
                {
                    if (ips.Count == 0)
                    {
                        errors.Add(Err.Invalid("spec.clusterIPs[0]", Js.RenderList(ips), "primary clusterIP can not be unset"));
                    }
                    else if (ips[0] != oldIps[0])
                    {
                        errors.Add(Err.Invalid("spec.clusterIPs[0]", Js.RenderList(ips), "may not change once set"));
                    }

                    if (ips.Count == 1 && spec.Text("ipFamilyPolicy") != "SingleStack")
                    {
                        errors.Add(Err.Invalid("spec.ipFamilyPolicy", spec.TextOrNull("ipFamilyPolicy"), "must be set to 'SingleStack' when releasing the secondary clusterIP"));
                    }
                }
                else if (oldIps.Count > 0 && ips[0] != oldIps[0])
                {
                    errors.Add(Err.Invalid("spec.clusterIPs[0]", Js.RenderList(ips), "may not change once set"));
                }
            }

            var families = spec.List("ipFamilies").Select(f => Js.AsText(f) ?? "").ToList();
            var oldFamilies = oldSpec.List("ipFamilies").Select(f => Js.AsText(f) ?? "").ToList();
            if (newHeadless == oldHeadless && !newHeadless && families.Count > 0)
            {
                if (families.Count == oldFamilies.Count && !families.SequenceEqual(oldFamilies))
                {
                    errors.Add(Err.Invalid("spec.ipFamilies[0]", Js.RenderList(families), "may not change once set"));
                }
                else if (oldFamilies.Count > 0 && families.Count != oldFamilies.Count && families[0] != oldFamilies[0])
                {
                    errors.Add(Err.Invalid("spec.ipFamilies[0]", Js.RenderList(ips), "may not change once set"));
                }
            }
        }

        if (type == "LoadBalancer" && oldType == "LoadBalancer" && oldSpec.TextOrNull("loadBalancerClass") != spec.TextOrNull("loadBalancerClass"))
        {
            errors.Add(Err.Invalid("spec.loadBalancerClass", spec.TextOrNull("loadBalancerClass"), "may not change once set"));
        }

        var needsBefore = oldType == "LoadBalancer" && oldSpec.Text("externalTrafficPolicy") == "Local";
        var needsNow = type == "LoadBalancer" && spec.Text("externalTrafficPolicy") == "Local";
        var newHealth = spec.Num("healthCheckNodePort") ?? 0;
        if (needsBefore && needsNow && newHealth != 0 && newHealth != (oldSpec.Num("healthCheckNodePort") ?? 0))
        {
            errors.Add(Err.Forbidden("spec.healthCheckNodePort", "field is immutable"));
        }
    }
}
