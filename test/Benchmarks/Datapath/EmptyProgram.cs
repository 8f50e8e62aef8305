using System.Runtime.InteropServices;
using MicroSeg.Bpf;
using MicroSeg.Bpf.Interop;

namespace MicroSeg.Benchmarks.Datapath;

/// <summary>The baseline: out/bpf/empty.bpf.o (ms_bench_empty returns TC_ACT_OK and nothing else).</summary>
internal sealed class EmptyProgram : IDisposable
{
    private const string ProgramName = "ms_bench_empty";
    private nint _object;

    private EmptyProgram(nint obj, int fd)
    {
        _object = obj;
        Fd = fd;
    }

    public int Fd { get; }

    public static EmptyProgram Load(string objectPath)
    {
        if (!File.Exists(objectPath))
            throw new FileNotFoundException($"{objectPath} not found: build it with 'make bench' (rule out/bpf/empty.bpf.o).", objectPath);
        var obj = LibBpf.ObjectOpenFile(objectPath, 0);
        if (obj == 0)
            throw new BpfException("bpf_object__open_file", Marshal.GetLastPInvokeError(), objectPath);
        try
        {
            var rc = LibBpf.ObjectLoad(obj);
            if (rc < 0)
                throw new BpfException("bpf_object__load", rc, objectPath);
            var prog = LibBpf.ObjectFindProgramByName(obj, ProgramName);
            if (prog == 0)
                throw new BpfException("bpf_object__find_program_by_name", 2, $"{ProgramName} in {objectPath}");
            return new EmptyProgram(obj, LibBpf.ProgramFd(prog));
        }
        catch
        {
            LibBpf.ObjectClose(obj);
            throw;
        }
    }

    public void Dispose()
    {
        var obj = Interlocked.Exchange(ref _object, 0);
        if (obj != 0)
            LibBpf.ObjectClose(obj);
    }
}
