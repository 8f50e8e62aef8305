using MicroSeg.Runtime.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Hosting;

/// <summary>
/// Whether the silo may serve grains and clients yet. In cluster mode a silo becomes ready only after the
/// silos it knows acknowledged it as Active (they re-read the membership table and handed over the grains it
/// now owns), so no grain is activated here while another silo's view still places it elsewhere. Until then,
/// grain calls that would activate here are held (not refused) and client handshakes wait. A single silo is
/// ready from the start.
/// </summary>
internal sealed class SiloReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private List<Action>? _held = [];

    public SiloReadiness(IServiceProvider services)
    {
        if (services.GetService<IMembershipTable>() is null)
            MarkReady();
    }

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WhenReady => _ready.Task;

    /// <summary>Keeps <paramref name="release"/> until the silo is ready; false (nothing kept) when it already is.</summary>
    public bool TryHold(Action release)
    {
        lock (_lock)
        {
            if (_held is null)
                return false;
            _held.Add(release);
            return true;
        }
    }

    /// <summary>The silo serves from now on: held work runs, in the order it arrived. Idempotent.</summary>
    public void MarkReady()
    {
        List<Action>? held;
        lock (_lock)
        {
            held = _held;
            _held = null;
        }

        if (held is null)
            return;
        foreach (var release in held)
            release();
        _ready.TrySetResult();
    }
}
