namespace Shim.Agent.Pods.Probes;

public enum ProbeKind
{
    Liveness,
    Readiness,
    Startup,
}
