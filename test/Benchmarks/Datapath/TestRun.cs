using MicroSeg.Bpf.Interop;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>
/// BPF_PROG_TEST_RUN with the kernel's own timing: the duration the kernel reports is the
/// average over <c>repeat</c> runs of the program on the same skb, in nanoseconds (unlike
/// <see cref="MicroSeg.Bpf.Datapath.RunProgram"/>, whose TimeSpan has 100 ns ticks).
/// </summary>
internal static unsafe class TestRun
{
    private const int SkBuffSize = 192;          // sizeof(struct __sk_buff)
    private const int SkBuffIfIndexOffset = 40;  // offsetof(struct __sk_buff, ifindex)

    /// <summary>Runs <paramref name="programFd"/> and returns its return code and ns per run.</summary>
    public static (int ReturnValue, uint Nanoseconds) Run(int programFd, ReadOnlySpan<byte> frame, int ifindex, int repeat)
    {
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
                CtxIn = ctx,
                CtxSizeIn = SkBuffSize,
                Repeat = repeat,
            };
            var rc = LibBpf.ProgTestRunOpts(programFd, &opts);
            if (rc < 0)
                throw new MicroSeg.Bpf.BpfException("bpf_prog_test_run_opts", rc, $"program fd {programFd}");
            return ((int)opts.Retval, opts.Duration);
        }
    }
}
