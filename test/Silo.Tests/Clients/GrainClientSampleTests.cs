using MicroSeg.Testing.Sockets;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Silo.Tests.Clients;

/// <summary>The program of docs/grain-client.md, built with the solution, run as its own process against a real silo's gateway.</summary>
public sealed class GrainClientSampleTests : IAsyncLifetime
{
    private IHost? _silo;
    private int _gatewayPort;

    public async Task InitializeAsync()
    {
        _gatewayPort = LoopbackPorts.Free();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LoopbackPorts.Free(), _gatewayPort, serviceId: SiloConfiguration.ClusterId, clusterId: SiloConfiguration.ClusterId);
            silo.AddMemoryGrainStorageAsDefault();
            SiloConfiguration.AddMemoryFanout(silo);
            silo.UseInMemoryReminderService();
            SiloConfiguration.ConfigureShared(silo);
        });
        _silo = builder.Build();
        await _silo.StartAsync();
    }

    [Fact]
    public async Task Sample_LabelsTheWorkload_KeepingTheRestOfItsSpec()
    {
        var grain = _silo!.Services.GetRequiredService<IGrainFactory>().GetGrain<IWorkloadGrain>("sample-web");
        await grain.CreateAsync(new WorkloadSpec
        {
            Id = "sample-web",
            Node = "node-a",
            Addresses = ["198.18.41.1"],
            Labels = new Dictionary<string, string> { ["app"] = "web" },
        });

        var (code, output, error) = await RunSampleAsync($"127.0.0.1:{_gatewayPort}", "sample-web", "tier=frontend");

        Assert.True(code == 0, error);
        Assert.Contains(output.Split('\n'), line => line.StartsWith("workload/sample-web labelled tier=frontend (identity ", StringComparison.Ordinal));
        var record = await grain.GetAsync();
        Assert.Equal("frontend", record!.Spec.Labels["tier"]);
        Assert.Equal("web", record.Spec.Labels["app"]);
        Assert.Equal(["198.18.41.1"], record.Spec.Addresses);
    }

    [Fact]
    public async Task Sample_ForAnUnknownWorkload_FailsAndCreatesNothing()
    {
        var (code, _, error) = await RunSampleAsync($"127.0.0.1:{_gatewayPort}", "sample-missing", "tier=x");

        Assert.Equal(1, code);
        Assert.Contains("workload 'sample-missing' does not exist", error);
        Assert.Null(await _silo!.Services.GetRequiredService<IGrainFactory>().GetGrain<IWorkloadGrain>("sample-missing").GetAsync());
    }

    [Fact]
    public void Doc_ShowsExactlyTheProgramThatIsTested()
    {
        var root = RepositoryRoot();
        var doc = File.ReadAllText(Path.Combine(root, "docs", "grain-client.md"));
        var program = File.ReadAllText(Path.Combine(root, "docs", "samples", "GrainClient", "Program.cs"));
        var start = doc.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var end = doc.IndexOf("```", start, StringComparison.Ordinal);
        Assert.Equal(program.TrimEnd(), doc[start..end].TrimEnd());
    }

    private static async Task<(int Code, string Output, string Error)> RunSampleAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SamplePath());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The sample as the solution build left it, in the same configuration as this test (bin/&lt;config&gt;/net10.0).</summary>
    private static string SamplePath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot(), "docs", "samples", "GrainClient", "bin", output.Parent!.Name, output.Name, "microseg-grain-client-sample.dll");
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MicroSeg.Orleans.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MicroSeg.Orleans.sln not found above " + AppContext.BaseDirectory);
    }


    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }
}
