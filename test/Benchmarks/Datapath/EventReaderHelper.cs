using System.Runtime.InteropServices;
using MicroSeg.Bpf;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// For scripts/bench-peers.sh: reads the pinned ms_events as the agent's flow thread does (a 200 ms poll in a
/// loop) until SIGTERM or SIGINT, then prints how many events it read. With it, the MicroSeg mode pays what a node
/// with its agent pays: every event written and read, and the reader's wakeups; without it the ring fills and
/// the data path takes the cheaper "ring full" path.
/// </summary>
internal static class EventReaderHelper
{
    public static int Run(string pinDirectory)
    {
        var path = Path.Combine(pinDirectory, "ms_events");
        var fd = LibBpf.ObjGet(path);
        if (fd < 0)
            throw new BpfException("bpf_obj_get", fd, path);
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        long read = 0;
        using (var reader = new FlowEventReader(fd))
        {
            Console.WriteLine("reading ms_events");
            while (!stop.IsCancellationRequested)
                read += reader.Poll(TimeSpan.FromMilliseconds(200)).Count;
        }
        LibC.Close(fd);
        Console.WriteLine($"events read: {read}");
        return 0;
    }
}
