using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace MicroSeg.Testing.Deployment;

/// <summary>deploy/kubernetes read with the Kubernetes client's own model types, and helpers to check its wiring.</summary>
public static partial class KubernetesManifests
{
    public static string Directory { get; } = Path.Combine(RepoLayout.Root, "deploy", "kubernetes");

    /// <summary>Every object of every manifest (kustomization.yaml aside), typed by its apiVersion and kind.</summary>
    public static IReadOnlyList<(string File, object Object)> LoadAll() =>
        [.. System.IO.Directory.GetFiles(Directory, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file)).Select(o => (Path.GetFileName(file), o)))];

    public static T Single<T>(string name) => LoadAll().Select(o => o.Object).OfType<T>().Single(o => ((IMetadata<V1ObjectMeta>)o!).Metadata.Name == name);

    /// <summary>A container's arguments with every $(VAR) replaced by a sample value, as the kubelet would expand them.</summary>
    public static string[] ExpandedArgs(V1Container container, IReadOnlyDictionary<string, string> values) =>
        [.. (container.Args ?? []).Select(a => Reference().Replace(a, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value))];

    /// <summary>The variables a container's arguments reference as $(VAR).</summary>
    public static IEnumerable<string> ReferencedVariables(V1Container container) =>
        (container.Args ?? []).SelectMany(a => Reference().Matches(a).Select(m => m.Groups[1].Value));

    /// <summary>The value of --name=VALUE among a container's arguments, or null.</summary>
    public static string? Arg(V1Container container, string name) =>
        container.Args?.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
