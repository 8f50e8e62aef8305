using MicroSeg.Silo.Security.Certificates;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>A client's observer a grain calls: the client looks at the request context the call brought.</summary>
public interface IProofProbeObserver : IGrainObserver
{
    Task Called();
}

/// <summary>Reports what grain code sees of the cluster proof, and exercises the ways Orleans delivers calls to a grain.</summary>
public interface IProofProbeGrain : IGrainWithStringKey
{
    Task<bool> SeesProof();

    Task<bool> CallOtherSeesProof(string other);

    Task StartTimer();

    Task<int> TimerTicks();

    Task StartReminder();

    Task<int> ReminderTicks();

    Task Notify(IProofProbeObserver observer);

    Task<string> Echo(string value);
}

public sealed class ProofProbeGrain : Grain, IProofProbeGrain, IRemindable
{
    private int _timerTicks;
    private int _reminderTicks;

    public Task<bool> SeesProof() => Task.FromResult(RequestContext.Get(ClusterCallProof.RequestContextKey) is not null);

    public Task<bool> CallOtherSeesProof(string other) => GrainFactory.GetGrain<IProofProbeGrain>(other).SeesProof();

    public Task StartTimer()
    {
        this.RegisterGrainTimer(() =>
        {
            _timerTicks++;
            return Task.CompletedTask;
        }, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        return Task.CompletedTask;
    }

    public Task<int> TimerTicks() => Task.FromResult(_timerTicks);

    public Task StartReminder() => this.RegisterOrUpdateReminder("probe", TimeSpan.Zero, TimeSpan.FromSeconds(1));

    public Task<int> ReminderTicks() => Task.FromResult(_reminderTicks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderTicks++;
        return Task.CompletedTask;
    }

    public Task Notify(IProofProbeObserver observer) => observer.Called();

    public Task<string> Echo(string value) => Task.FromResult(value);
}
