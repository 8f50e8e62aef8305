using MicroSeg.Bpf.Interop;

namespace MicroSeg.Bpf;

/// <summary>The two entry programs.</summary>
public enum DatapathProgram
{
    /// <summary>ms_from_workload (TC ingress of the host veth; the workload's egress).</summary>
    FromWorkload,

    /// <summary>ms_to_workload (TC egress of the host veth; the workload's ingress).</summary>
    ToWorkload,
}

/// <summary>Result of one BPF_PROG_TEST_RUN.</summary>
/// <param name="ReturnValue">The program's return code (TC_ACT_OK = 0, TC_ACT_SHOT = 2).</param>
/// <param name="Duration">Average run time per repetition.</param>
public readonly record struct ProgramRunResult(int ReturnValue, TimeSpan Duration)
{
    public const int TcActOk = 0;
    public const int TcActShot = 2;
}

public sealed partial class Datapath
{
    private const int SkBuffSize = 192;      // sizeof(struct __sk_buff) in uapi linux/bpf.h
    private const int SkBuffIfIndexOffset = 40;

    /// <summary>
    /// Runs a program on an Ethernet frame with bpf_prog_test_run_opts (for tests and
    /// benchmarks). <paramref name="ifindex"/> must name an existing device in this network
    /// namespace (the kernel resolves it); 0 runs on the loopback device.
    /// </summary>
    public unsafe ProgramRunResult RunProgram(DatapathProgram program, ReadOnlySpan<byte> frame, int ifindex, int repeat = 1)
    {
        ThrowIfDisposed();
        if (frame.Length < 14)
            throw new ArgumentException("A frame needs at least an Ethernet header (14 bytes).", nameof(frame));
        var fd = program == DatapathProgram.FromWorkload ? FromWorkloadFd : ToWorkloadFd;
        var ctx = stackalloc byte[SkBuffSize];
        new Span<byte>(ctx, SkBuffSize).Clear();
        *(uint*)(ctx + SkBuffIfIndexOffset) = (uint)ifindex;

        fixed (byte* data = frame)
        {
            var opts = new BpfTestRunOpts
            {
                Size = (nuint)sizeof(BpfTestRunOpts),
                DataIn = data,
                DataSizeIn = (uint)frame.Length,
                CtxIn = ifindex == 0 ? null : ctx,
                CtxSizeIn = ifindex == 0 ? 0u : SkBuffSize,
                Repeat = repeat,
            };
            var rc = LibBpf.ProgTestRunOpts(fd, &opts);
            if (rc < 0)
                throw new BpfException("bpf_prog_test_run_opts", rc, $"program {program} on ifindex {ifindex}");
            return new ProgramRunResult((int)opts.Retval, TimeSpan.FromTicks(opts.Duration / 100));
        }
    }
}
