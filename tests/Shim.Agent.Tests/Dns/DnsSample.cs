using Shim.Agent.Tests.Services;

namespace Shim.Agent.Tests.Dns;

internal static class DnsSample
{
    /// <summary>
    /// A small cluster: kubernetes and kube-dns, a ClusterIP service "web" (ports http/TCP 80, metrics/TCP 9090), a
    /// headless StatefulSet service "db" (pods with hostnames db-0, db-1; db-2 not ready), a headless "peers" whose
    /// endpoints have no hostname, and an ExternalName "ext" to example.org.
    /// </summary>
    public static TestServiceCatalog Catalog() => new TestServiceCatalog()
        .Service("""
            metadata: {name: kubernetes, namespace: default}
            spec: {clusterIP: 10.96.0.1, clusterIPs: [10.96.0.1], ports: [{name: https, port: 443, protocol: TCP}]}
            """)
        .Service("""
            metadata: {name: kube-dns, namespace: kube-system}
            spec: {clusterIP: 10.96.0.10, ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}
            """)
        .Service("""
            metadata: {name: web, namespace: default}
            spec: {clusterIP: 10.96.0.20, clusterIPs: [10.96.0.20], ports: [{name: http, port: 80, protocol: TCP}, {name: metrics, port: 9090, protocol: TCP}]}
            """)
        .Slice("""
            metadata: {name: web-abc, namespace: default, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080, protocol: TCP}]
            endpoints:
            - {addresses: [10.244.1.7], conditions: {ready: true}}
            """)
        .Service("""
            metadata: {name: db, namespace: data}
            spec: {clusterIP: None, ports: [{name: pg, port: 5432, protocol: TCP}]}
            """)
        .Slice("""
            metadata: {name: db-1, namespace: data, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            ports: [{name: pg, port: 5432, protocol: TCP}]
            endpoints:
            - {addresses: [10.244.1.10], hostname: db-0, conditions: {ready: true}}
            - {addresses: [10.244.2.11], hostname: db-1, conditions: {ready: true}}
            - {addresses: [10.244.2.12], hostname: db-2, conditions: {ready: false}}
            """)
        .Slice("""
            metadata: {name: db-2, namespace: data, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            ports: [{name: pg, port: 5432, protocol: TCP}]
            endpoints:
            - {addresses: [10.244.1.10], hostname: db-0, conditions: {ready: true}}
            """)
        .Service("""
            metadata: {name: peers, namespace: data}
            spec: {clusterIP: None, ports: [{name: gossip, port: 7946, protocol: UDP}]}
            """)
        .Slice("""
            metadata: {name: peers-1, namespace: data, labels: {kubernetes.io/service-name: peers}}
            addressType: IPv4
            ports: [{name: gossip, port: 7946, protocol: UDP}]
            endpoints:
            - {addresses: [10.244.3.5]}
            - {addresses: [10.244.3.6], conditions: {ready: true}}
            """)
        .Service("""
            metadata: {name: ext, namespace: default}
            spec: {type: ExternalName, externalName: example.org}
            """);
}
