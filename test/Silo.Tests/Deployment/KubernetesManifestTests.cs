using k8s;
using k8s.Models;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Security.Certificates;
using MicroSeg.Testing;
using MicroSeg.Testing.Deployment;
using Orleans.Hosting.Kubernetes;

namespace MicroSeg.Silo.Tests.Deployment;

/// <summary>
/// deploy/kubernetes parsed with the Kubernetes client's model types; the silo's Deployment, Services and RBAC
/// checked against each other and against what microseg-silo actually reads (its options and environment).
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly Dictionary<string, string> Sample = new()
    {
        ["POD_IP"] = "10.1.2.3", ["POD_NAME"] = "microseg-silo-abc", ["POD_NAMESPACE"] = "microseg", ["NODE_NAME"] = "worker-1",
    };

    private static V1Deployment Deployment => KubernetesManifests.Single<V1Deployment>("microseg-silo");

    private static V1Container Silo => Deployment.Spec.Template.Spec.Containers.Single(c => c.Name == "silo");

    [Fact]
    public void EveryManifest_ParsesAsTypedObjects_AndKustomizeListsEveryFile()
    {
        var objects = KubernetesManifests.LoadAll();
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o.Object));
        Assert.All(objects, o => Assert.Equal("microseg", ((IKubernetesObject<V1ObjectMeta>)o.Object).Metadata.NamespaceProperty ?? ((IKubernetesObject<V1ObjectMeta>)o.Object).Metadata.Name));

        var kustomization = File.ReadAllText(Path.Combine(KubernetesManifests.Directory, "kustomization.yaml"));
        foreach (var file in objects.Select(o => o.File).Distinct().Where(f => !f.Contains("example", StringComparison.Ordinal)))
            Assert.Contains($"- {file}", kustomization);
    }

    [Fact]
    public void SiloArgs_AreAcceptedByTheSiloCommandLine()
    {
        var parse = SiloCommand.Create().Parse(KubernetesManifests.ExpandedArgs(Silo, Sample));
        Assert.Empty(parse.Errors);
        Assert.DoesNotContain(KubernetesManifests.ExpandedArgs(Silo, Sample), a => a.Contains("$(", StringComparison.Ordinal));
    }

    [Fact]
    public void SiloEnvironment_HoldsOnlyNamesTheSiloReads_AndEveryArgumentReference()
    {
        var read = new[]
        {
            SiloCommand.PostgresVariable,
            KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
            KubernetesHostingOptions.PodIPEnvironmentVariable, KubernetesHostingOptions.ServiceIdEnvironmentVariable,
            KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        };
        var env = Silo.Env.Select(e => e.Name).ToList();
        Assert.All(env, name => Assert.Contains(name, read));
        Assert.All(KubernetesManifests.ReferencedVariables(Silo), name => Assert.Contains(name, env));
        Assert.Contains("--kubernetes", Silo.Args);

        // The connection string comes from a Secret key that the example Secret defines.
        var postgres = Silo.Env.Single(e => e.Name == SiloCommand.PostgresVariable).ValueFrom.SecretKeyRef;
        var secret = KubernetesManifests.Single<V1Secret>(postgres.Name);
        Assert.Contains(postgres.Key, secret.StringData.Keys);
    }

    [Fact]
    public void SiloPods_CarryTheLabelsOrleansKubernetesHostingLooksFor()
    {
        var labels = Deployment.Spec.Template.Metadata.Labels;
        Assert.Equal("microseg", labels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal("microseg", labels[KubernetesHostingOptions.ClusterIdLabel]);
        Assert.Equal(SiloConfiguration.ClusterId, labels[KubernetesHostingOptions.ClusterIdLabel]);
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ServiceIdLabel}']",
            Silo.Env.Single(e => e.Name == KubernetesHostingOptions.ServiceIdEnvironmentVariable).ValueFrom.FieldRef.FieldPath);
        Assert.Equal($"metadata.labels['{KubernetesHostingOptions.ClusterIdLabel}']",
            Silo.Env.Single(e => e.Name == KubernetesHostingOptions.ClusterIdEnvironmentVariable).ValueFrom.FieldRef.FieldPath);
        Assert.All(Deployment.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
    }

    [Fact]
    public void SiloPorts_MatchItsArguments_AndProbesUseHealthzAndReadyz()
    {
        var ports = Silo.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(new Uri(KubernetesManifests.Arg(Silo, "--http")!).Port, ports["http"]);
        Assert.Equal(int.Parse(KubernetesManifests.Arg(Silo, "--silo-port")!), ports["silo"]);
        Assert.Equal(int.Parse(KubernetesManifests.Arg(Silo, "--gateway-port")!), ports["gateway"]);

        Assert.Equal("/healthz", Silo.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", Silo.ReadinessProbe.HttpGet.Path);
        Assert.Contains(Silo.LivenessProbe.HttpGet.Port.Value, ports.Keys);
        Assert.Contains(Silo.ReadinessProbe.HttpGet.Port.Value, ports.Keys);
    }

    [Fact]
    public void SiloAdminToken_IsMountedWhereTheArgumentPoints()
    {
        var file = KubernetesManifests.Arg(Silo, "--admin-token-file")!;
        var mount = Silo.VolumeMounts.Single(m => file.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        var volume = Deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        var secret = KubernetesManifests.Single<V1Secret>(volume.Secret.SecretName);
        Assert.Contains(Path.GetFileName(file), secret.StringData.Keys);
        // The silo runs as a non-root user: the file must be readable by it (group-owned through fsGroup).
        var pod = Deployment.Spec.Template.Spec.SecurityContext;
        Assert.True(pod.RunAsNonRoot);
        Assert.Equal(pod.RunAsGroup, pod.FsGroup);
        Assert.Equal(Convert.ToInt32("440", 8), volume.Secret.DefaultMode);
    }

    [Fact]
    public void SiloTls_IsOn_AndItsDirectoryIsASecretHoldingWhatTheSiloLoads()
    {
        // TLS is on by default and a cluster silo refuses to start without ca.crt, silo.crt and silo.key in --tls-dir.
        Assert.DoesNotContain("--no-tls", Silo.Args);
        var directory = KubernetesManifests.Arg(Silo, "--tls-dir")!;
        var mount = Silo.VolumeMounts.Single(m => m.MountPath == directory);
        Assert.True(mount.ReadOnlyProperty);
        // No mount nests inside another (a read-only Secret volume cannot hold the mount point of a second one).
        Assert.All(Silo.VolumeMounts, m => Assert.DoesNotContain(Silo.VolumeMounts, o => o != m && o.MountPath.StartsWith(m.MountPath + "/", StringComparison.Ordinal)));
        var volume = Deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        var secret = KubernetesManifests.Single<V1Secret>(volume.Secret.SecretName);
        string[] files = [ClusterAuthority.CertificateFile, SiloTls.SiloStem + ".crt", SiloTls.SiloStem + ".key"];
        Assert.Equal(files.Order(StringComparer.Ordinal), secret.StringData.Keys.Order(StringComparer.Ordinal));
        // The CA's private key never goes into the cluster: whoever holds it can make silo certificates.
        Assert.DoesNotContain(secret.StringData.Keys, k => k.StartsWith("ca.key", StringComparison.Ordinal));
        // The key is readable by the silo's non-root user through fsGroup, and by no one else.
        Assert.Equal(Convert.ToInt32("440", 8), volume.Secret.DefaultMode);
        Assert.Equal(Deployment.Spec.Template.Spec.SecurityContext.RunAsGroup, Deployment.Spec.Template.Spec.SecurityContext.FsGroup);
    }

    [Fact]
    public void SiloTls_TheOneCertificateTheSecretHolds_LoadsForEveryReplica_WithoutTheCaKey()
    {
        // Made as secrets.example.yaml says: one silo certificate naming the gateway Service, no pod address.
        var work = Directory.CreateTempSubdirectory("microseg-k8s-tls-").FullName;
        try
        {
            var authority = ClusterAuthority.OpenOrCreate(Path.Combine(work, "ca"), TimeProvider.System);
            using var issued = authority.Issue(ClusterCertificate.Silo, "microseg-silo", [], ["microseg-gateway.microseg.svc.cluster.local"], TimeProvider.System);
            authority.Write(issued, Path.Combine(work, "issued"), SiloTls.SiloStem);
            var mounted = Directory.CreateDirectory(Path.Combine(work, "mounted")).FullName;
            foreach (var key in KubernetesManifests.Single<V1Secret>("microseg-silo-tls").StringData.Keys)
                File.Copy(Path.Combine(work, "issued", key), Path.Combine(mounted, key));

            foreach (var (pod, ip) in new[] { ("microseg-silo-abc", "10.1.2.3"), ("microseg-silo-def", "10.9.8.7") })
            {
                var args = KubernetesManifests.ExpandedArgs(Silo, new Dictionary<string, string>(Sample) { ["POD_NAME"] = pod, ["POD_IP"] = ip });
                Assert.Equal(KubernetesManifests.Arg(Silo, "--tls-dir"), args.Single(a => a.StartsWith("--tls-dir=", StringComparison.Ordinal))[10..]);
                var options = new SiloCommandOptions { Postgres = "Host=postgres", Name = pod, TlsDirectory = mounted };
                var tls = SiloTls.Load(options, TimeProvider.System);
                Assert.Equal((ClusterCertificate.Silo, "microseg-silo"), ClusterCertificate.Holder(tls.Silo));
            }
            Assert.False(File.Exists(Path.Combine(mounted, ClusterAuthority.KeyFile)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Theory]
    [InlineData("microseg-api", "http")]
    [InlineData("microseg-gateway", "gateway")]
    public void Services_SelectSiloPods_AndTargetTheirNamedPorts(string name, string port)
    {
        var service = KubernetesManifests.Single<V1Service>(name);
        var labels = Deployment.Spec.Template.Metadata.Labels;
        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, labels[s.Key]));
        var target = Assert.Single(service.Spec.Ports);
        Assert.Equal(port, target.TargetPort.Value);
        Assert.Equal(Silo.Ports.Single(p => p.Name == port).ContainerPort, target.Port);
    }

    [Fact]
    public void SiloServiceAccount_MayWatchAndDeletePods()
    {
        var account = Deployment.Spec.Template.Spec.ServiceAccountName;
        var binding = KubernetesManifests.Single<V1RoleBinding>(account);
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account);
        var role = KubernetesManifests.Single<V1Role>(binding.RoleRef.Name);
        var pods = Assert.Single(role.Rules, r => r.Resources.Contains("pods"));
        Assert.Equal(["delete", "get", "list", "watch"], pods.Verbs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SiloDockerfile_ExposesTheContainerPorts_AndRunsThePublishedBinary()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(RepoLayout.Root, "deploy", "docker", "silo.Dockerfile"));
        var exposed = dockerfile.Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).SelectMany(l => l[7..].Split(' ')).Select(int.Parse).ToList();
        Assert.All(Silo.Ports, p => Assert.Contains(p.ContainerPort, exposed));
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"/opt/microseg/microseg-silo\"]", StringComparison.Ordinal));
        // The silo embeds the console's build output: the image builds it, as make build does, before publishing.
        Assert.Contains(dockerfile, l => l.Contains("npm run build", StringComparison.Ordinal));
        Assert.Contains(dockerfile, l => l.StartsWith("COPY --from=console", StringComparison.Ordinal) && l.Contains("Dashboard/console/dist", StringComparison.Ordinal));
        Assert.Equal("microseg-silo", typeof(SiloCommand).Assembly.GetName().Name);
        var volume = Deployment.Spec.Template.Spec.Containers.Single().VolumeMounts.Single(m => m.Name == "data").MountPath;
        Assert.Contains(dockerfile, l => l.Contains($"chown 10001:10001 {volume}", StringComparison.Ordinal));
    }
}
