namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>Issues cluster certificates with the real <c>microseg-silo certs issue</c> command, as an operator would.</summary>
internal static class ClusterCertificates
{
    /// <summary>
    /// Issues a <paramref name="role"/> certificate named <paramref name="name"/> from the CA in <paramref name="caDirectory"/>
    /// (created when missing) into <c>&lt;caDirectory&gt;/&lt;role&gt;-&lt;name&gt;</c>, unless it is there already; returns that directory.
    /// </summary>
    public static string Issue(string caDirectory, string role, string name, params string[] addresses)
    {
        var directory = Path.Combine(caDirectory, $"{role}-{name}");
        if (File.Exists(Path.Combine(directory, role + ".key")))
            return directory;
        string[] args = ["certs", "issue", "--ca-dir", caDirectory, "--role", role, "--name", name, "--out", directory, .. addresses.SelectMany(a => new[] { "--address", a })];
        using var command = ChildProcess.Start($"certs {role} {name}", RepoPaths.Silo, args);
        Assert.True(command.WaitForExitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult(), $"microseg-silo {string.Join(' ', args)} did not exit\n{command.Tail()}");
        Assert.True(command.ExitCode == 0, $"microseg-silo {string.Join(' ', args)} failed ({command.ExitCode})\n{command.Tail()}");
        return directory;
    }
}
