using k8s.Models;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;
using MicroSeg.Testing.Deployment;

namespace MicroSeg.NodeAgent.Tests.Deployment;

/// <summary>deploy/kubernetes/agent.yaml parsed with the Kubernetes client's model types and checked against what microseg-agent reads.</summary>
public sealed class AgentManifestTests
{
    private static V1DaemonSet DaemonSet => KubernetesManifests.Single<V1DaemonSet>("microseg-agent");

    private static V1Container Agent => DaemonSet.Spec.Template.Spec.Containers.Single(c => c.Name == "agent");

    [Fact]
    public void AgentArgs_AreAcceptedByTheAgentCommandLine_AndEveryReferenceIsDefined()
    {
        var args = KubernetesManifests.ExpandedArgs(Agent, new Dictionary<string, string> { ["NODE_NAME"] = "worker-1" });
        Assert.Empty(AgentCommand.Create().Parse(args).Errors);
        var env = Agent.Env.Select(e => e.Name).ToList();
        Assert.All(KubernetesManifests.ReferencedVariables(Agent), name => Assert.Contains(name, env));
        // The node name is the Kubernetes node's, so workloads name the node kubectl shows.
        Assert.Equal("spec.nodeName", Agent.Env.Single(e => e.Name == "NODE_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("--node=$(NODE_NAME)", Assert.Single(Agent.Args, a => a.StartsWith("--node=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Agent_IsPrivileged_OnTheHostNetwork_WithTheHostsBpfFilesystem()
    {
        Assert.True(DaemonSet.Spec.Template.Spec.HostNetwork);
        Assert.Equal("ClusterFirstWithHostNet", DaemonSet.Spec.Template.Spec.DnsPolicy);
        Assert.True(Agent.SecurityContext.Privileged);
        var mount = Agent.VolumeMounts.Single(m => m.MountPath == "/sys/fs/bpf");
        Assert.Equal("Bidirectional", mount.MountPropagation);
        var volume = DaemonSet.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        Assert.Equal("/sys/fs/bpf", volume.HostPath.Path);
        // Pinned maps live on the host's bpffs, so they outlive the agent's pod and keep enforcing across its restarts.
        Assert.StartsWith("/sys/fs/bpf/", KubernetesManifests.Arg(Agent, "--pin-root"));
    }

    [Fact]
    public void AgentTls_IsOn_AndItsDirectoryIsTheHostsPerNodeCertificateDirectory()
    {
        // The gateways accept only TLS clients with an agent certificate naming the node, so one Secret cannot
        // serve a DaemonSet: each host provides its own ca.crt, agent.crt and agent.key.
        Assert.DoesNotContain("--no-tls", Agent.Args);
        var directory = KubernetesManifests.Arg(Agent, "--tls-dir")!;
        Assert.Equal(new AgentOptions().TlsDirectory, directory);
        var mount = Agent.VolumeMounts.Single(m => m.MountPath == directory);
        Assert.True(mount.ReadOnlyProperty);
        var volume = DaemonSet.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        Assert.Equal(directory, volume.HostPath.Path);
        // "Directory", not "DirectoryOrCreate": a node without its certificate does not start an agent (fail closed).
        Assert.Equal("Directory", volume.HostPath.Type);
        Assert.Null(volume.Secret);
    }

    [Fact]
    public void AgentGateway_IsTheSilosHeadlessGatewayService()
    {
        var gateway = KubernetesManifests.Arg(Agent, "--gateway")!;
        var service = KubernetesManifests.Single<V1Service>("microseg-gateway");
        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.Equal($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc.cluster.local:{service.Spec.Ports.Single().Port}", gateway);
        var silo = KubernetesManifests.Single<V1Deployment>("microseg-silo").Spec.Template.Spec.Containers.Single();
        Assert.Equal(service.Spec.Ports.Single().Port, silo.Ports.Single(p => p.Name == "gateway").ContainerPort);
    }

    [Fact]
    public void AgentDockerfile_PlacesTheBpfObjectWhereTheAgentLooksByDefault()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoLayout.Root, "deploy", "docker", "agent.Dockerfile"));
        Assert.Contains("ENTRYPOINT [\"/opt/microseg/bin/microseg-agent\"]", dockerfile);
        // The agent's --bpf-object default is ../bpf/microseg.bpf.o beside its binary.
        var expected = Path.GetFullPath(Path.Combine("/opt/microseg/bin", "..", "bpf", "microseg.bpf.o"));
        Assert.Equal(expected, Path.GetFullPath(Path.Combine("/opt/microseg/bin", Path.GetRelativePath(AppContext.BaseDirectory, new AgentOptions().BpfObject))));
        Assert.Contains("cp -r out/bpf /out/bpf", dockerfile);
        Assert.Contains("COPY --from=build /out/ ./", dockerfile);
    }
}
