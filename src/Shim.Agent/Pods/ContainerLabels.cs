namespace Shim.Agent.Pods;

/// <summary>The Docker labels that tie a container to its pod, as cri-dockerd and the kubelet name them, plus the node label.</summary>
public static class ContainerLabels
{
    public const string PodName = "io.kubernetes.pod.name";
    public const string PodNamespace = "io.kubernetes.pod.namespace";
    public const string PodUid = "io.kubernetes.pod.uid";
    public const string ContainerName = "io.kubernetes.container.name";
    public const string DockerType = "io.kubernetes.docker.type";
    public const string SandboxId = "io.kubernetes.sandbox.id";
    public const string RestartCount = "io.kubernetes.container.restartCount";
    public const string TerminationMessagePath = "io.kubernetes.container.terminationMessagePath";
    public const string TerminationGracePeriod = "io.kubernetes.pod.terminationGracePeriod";

    /// <summary>The node (agent) owning the container: agents sharing one dockerd only ever touch their own.</summary>
    public const string Node = "io.shim.node";

    public const string TypeSandbox = "podsandbox";
    public const string TypeContainer = "container";

    /// <summary>cri-dockerd stores pod annotations as labels under this prefix.</summary>
    public const string AnnotationPrefix = "annotation.";
}
