namespace MicroSeg.Testing;

/// <summary>Locates the repository and its build outputs from a test's bin directory.</summary>
public static class RepoLayout
{
    private const string SolutionFile = "MicroSeg.Orleans.sln";

    /// <summary>The directory holding MicroSeg.Orleans.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>out/bpf/microseg.bpf.o; throws with "run make bpf" when it is missing.</summary>
    public static string BpfObjectPath
    {
        get
        {
            var path = Path.Combine(Root, "out", "bpf", "microseg.bpf.o");
            if (!File.Exists(path))
                throw new FileNotFoundException($"BPF object {path} is missing: run 'make bpf' in {Root} before the tests.", path);
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        }
        throw new InvalidOperationException($"{SolutionFile} not found above {AppContext.BaseDirectory}.");
    }
}
