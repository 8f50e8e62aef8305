using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Silo.Hosting;
using MicroSeg.Silo.Security.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>
/// Two silos composed as the product's (<see cref="SiloTls.Configure"/>: mutual TLS, the caller-credential filter, the
/// cluster proof on outgoing calls) and an operator's grain client over TLS: every way Orleans delivers a call to a
/// grain inside the cluster still works, grain code never sees the proof, and no byte the client receives (responses,
/// observer calls) carries it.
/// </summary>
public sealed class ClusterCallProofTests : IAsyncLifetime
{
    private readonly string _tls = Directory.CreateTempSubdirectory("microseg-proof-").FullName;
    private readonly ClusterCallProof _proof = ClusterCallProof.CreateRandom();
    private readonly ReceivedBytes _received = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var siloTls = SiloTls.Load(new SiloCommandOptions { Data = _tls, TlsDirectory = _tls, Name = "proof", LocalNode = "proof" }, TimeProvider.System);
        var authority = ClusterAuthority.OpenOrCreate(_tls, TimeProvider.System);
        var operatorCertificate = authority.Issue(ClusterCertificate.Operator, "proof-test", [], [], TimeProvider.System);
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            siloTls.Configure(silo, _proof);
            silo.AddMemoryGrainStorageAsDefault();
            silo.UseInMemoryReminderService();
            // Orleans refuses reminder periods under a minute unless told otherwise.
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        builder.ConfigureClient(client =>
        {
            client.UseTls(operatorCertificate, o => o.AllowAnyRemoteCertificate());
            // After the TLS middleware: the decrypted bytes of every message the gateway sends this client.
            client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(connection => connection.Use(next => context =>
            {
                var transport = context.Transport;
                context.Transport = new DuplexPipe(new RecordingPipeReader(transport.Input, _received), transport.Output);
                return next(context);
            })));
            client.AddOutgoingGrainCallFilter(context =>
            {
                RequestContext.Set(CallerCredential.RequestContextKey, CallerCredential.Create(operatorCertificate, DateTimeOffset.UtcNow));
                return context.Invoke();
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task GrainToGrain_AcrossSilos_Passes_AndGrainCodeNeverSeesTheProof()
    {
        var client = _cluster.Client;
        for (var i = 0; i < 8; i++)
            Assert.False(await client.GetGrain<IProofProbeGrain>($"a{i}").CallOtherSeesProof($"b{i}"));
        // The silos' own client (the REST API's path) passes too, from either silo.
        foreach (var silo in _cluster.Silos)
            Assert.False(await silo.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IProofProbeGrain>($"h-{silo.Name}").CallOtherSeesProof("h-other"));
    }

    [Fact]
    public async Task ClientSuppliedProofValue_IsRemovedBeforeGrainCode()
    {
        RequestContext.Set(ClusterCallProof.RequestContextKey, _proof.Value);
        try
        {
            Assert.False(await _cluster.Client.GetGrain<IProofProbeGrain>("supplied").SeesProof());
        }
        finally
        {
            RequestContext.Remove(ClusterCallProof.RequestContextKey);
        }
    }

    [Fact]
    public async Task TimersAndReminders_StillReachTheGrain()
    {
        var grain = _cluster.Client.GetGrain<IProofProbeGrain>("ticks");
        await grain.StartTimer();
        await grain.StartReminder();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await grain.TimerTicks() < 2 || await grain.ReminderTicks() < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timer ticks {await grain.TimerTicks()}, reminder ticks {await grain.ReminderTicks()}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ResponsesAndObserverCalls_ToTheClient_NeverCarryTheProof()
    {
        var client = _cluster.Client;
        var proofBytes = Encoding.UTF8.GetBytes(_proof.Value);
        // The recorder sees a string a grain sends back: the check below would find the proof if it were there.
        Assert.Equal(_proof.Value, await client.GetGrain<IProofProbeGrain>("echo").Echo(_proof.Value));
        Assert.True(_received.Contains(proofBytes));
        _received.Clear();

        var observer = new Observer();
        var reference = client.CreateObjectReference<IProofProbeObserver>(observer);
        for (var i = 0; i < 8; i++)
        {
            var grain = client.GetGrain<IProofProbeGrain>($"n{i}");
            await grain.CallOtherSeesProof($"m{i}");
            await grain.Notify(reference);
        }
        Assert.Equal(8, observer.Calls);
        Assert.Equal(0, observer.WithProof);
        Assert.False(_received.Contains(proofBytes));
        Assert.True(_received.Count > 0);
    }

    [Fact]
    public async Task GatewayClient_ReachesTheClusterManifest_ButNoOtherSiloService()
    {
        // The silo services' interfaces are internal to Orleans, hence the reflection: the manifest is what Orleans'
        // client reads itself; silo control (ping) and membership (ping) are what a hand-written message could reach.
        var silo = _cluster.Silos[0].SiloAddress;
        async Task CallAsync(string systemTarget, string interfaceName, string methodName)
        {
            var service = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name!.StartsWith("Orleans", StringComparison.Ordinal))
                .SelectMany(a => a.GetTypes()).Single(t => t.IsInterface && t.Name == interfaceName);
            var getGrain = typeof(IGrainFactory).GetMethods().Single(m => m is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true }
                && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(GrainId)).MakeGenericMethod(service);
            var target = getGrain.Invoke(_cluster.Client, [SystemTargetGrainId.Create(SystemTargetGrainId.CreateGrainType(systemTarget), silo).GrainId])!;
            var method = service.GetMethod(methodName)!;
            var arguments = method.GetParameters().Select(p => p.ParameterType == typeof(string) ? "probe" : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
            var pending = method.Invoke(target, arguments)!;
            await (pending as Task ?? (Task)pending.GetType().GetMethod("AsTask")!.Invoke(pending, [])!);
        }

        await CallAsync("manifest", "IClusterManifestSystemTarget", "GetClusterManifest");
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => CallAsync("silo-control", "ISiloControl", "Ping"));
        Assert.Contains("may not call", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => CallAsync("clustering", "IMembershipService", "Ping"));
        // The silos' own calls to each other's services carry the proof: the cluster still works across both silos.
        Assert.False(await _cluster.Client.GetGrain<IProofProbeGrain>("st-a").CallOtherSeesProof("st-b"));
    }

    [Fact]
    public async Task OperatorClient_ReadsDerivedState_ButCannotChangeIt()
    {
        var nodes = _cluster.Client.GetGrain<INodeIndexGrain>(GrainKeys.Cluster);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => nodes.AddAsync("ghost"));
        Assert.DoesNotContain("ghost", await nodes.GetAllAsync());
        var shard = _cluster.Client.GetGrain<IWorkloadIndexShardGrain>("0/4096");
        var ghost = new WorkloadRecord(new WorkloadSpec { Id = "ghost", Node = "n1", Addresses = ["198.18.99.1"] }, 300);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => shard.UpsertAsync(ghost));
        Assert.Empty(await shard.GetAllAsync());
        var audit = _cluster.Client.GetGrain<IAuditLogGrain>("2026-12-07T00:00:00Z");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => audit.AppendAsync([]));
    }

    [Fact]
    public void TimerTickType_IsOrleansGrainTimerInvokable()
    {
        Assert.Equal("TimerTickInvoker", CallerCredentialFilter.TimerTickType.Name);
        Assert.False(ClusterCallProof.StaysInCluster(GrainId.Create("sys.client", "c1")));
        Assert.True(ClusterCallProof.StaysInCluster(GrainId.Create("workload", "w1")));
        Assert.True(ClusterCallProof.StaysInCluster(SystemTargetGrainId.Create(SystemTargetGrainId.CreateGrainType("silo-control"), _cluster.Silos[0].SiloAddress).GrainId));
        Assert.True(_proof.Matches(_proof.Value));
        Assert.False(_proof.Matches(ClusterCallProof.CreateRandom().Value));
        Assert.False(_proof.Matches(null));
        Assert.False(_proof.Matches(_proof.Value[..^1]));
        Assert.Throws<InvalidOperationException>(() => ClusterCallProof.FromSecret(new byte[16]));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_tls, recursive: true);
    }

    private sealed class Observer : IProofProbeObserver
    {
        public int Calls;
        public int WithProof;

        public Task Called()
        {
            Interlocked.Increment(ref Calls);
            if (RequestContext.Get(ClusterCallProof.RequestContextKey) is not null)
                Interlocked.Increment(ref WithProof);
            return Task.CompletedTask;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Every byte the client's connections read, kept to be searched.</summary>
    private sealed class ReceivedBytes
    {
        private readonly Lock _lock = new();
        private readonly MemoryStream _bytes = new();

        public long Count
        {
            get { lock (_lock) return _bytes.Length; }
        }

        public void Add(ReadOnlySequence<byte> buffer)
        {
            lock (_lock)
            {
                foreach (var segment in buffer)
                    _bytes.Write(segment.Span);
            }
        }

        public bool Contains(byte[] part)
        {
            lock (_lock)
                return _bytes.GetBuffer().AsSpan(0, (int)_bytes.Length).IndexOf(part) >= 0;
        }

        public void Clear()
        {
            lock (_lock)
                _bytes.SetLength(0);
        }
    }

    /// <summary>Records every buffer a read returns (a part left unconsumed comes again, which a search does not mind).</summary>
    private sealed class RecordingPipeReader(PipeReader inner, ReceivedBytes received) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            received.Add(result.Buffer);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
                return false;
            received.Add(result.Buffer);
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
