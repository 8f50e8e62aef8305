namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>Locations of the built artefacts that end-to-end tests run (from 'make build').</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Silo => Require(Path.Combine(Root, "out", "bin", "microseg-silo"));

    public static string Agent => Require(Path.Combine(Root, "out", "bin", "microseg-agent"));

    public static string BpfObject => Require(Path.Combine(Root, "out", "bpf", "microseg.bpf.o"));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run 'make build' before the end-to-end tests.", path);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MicroSeg.Orleans.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"MicroSeg.Orleans.sln not found above {AppContext.BaseDirectory}.");
    }
}
