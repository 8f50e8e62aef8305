using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MicroSeg.Bpf.Interop;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Bpf;

/// <summary>
/// libbpf's diagnostics (its process-wide print callback) go to an <see cref="ILogger"/> given to
/// <see cref="Route"/>, or, until then, warnings and information to stderr as libbpf itself would. A message libbpf
/// prints while the loader makes a call whose failure it expects and handles (creating a clsact
/// qdisc that already exists: "Exclusivity flag on, cannot modify") is logged at Debug instead.
/// </summary>
public static unsafe partial class LibBpfLog
{
    private const int LibBpfWarn = 0, LibBpfInfo = 1;
    private static readonly Lock Gate = new();
    private static ILogger? _logger;
    private static bool _installed;

    [ThreadStatic]
    private static int _expectedFailures;

    /// <summary>Sends libbpf's messages to <paramref name="logger"/> from now on (process-wide).</summary>
    public static void Route(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Volatile.Write(ref _logger, logger);
        EnsureInstalled();
    }

    /// <summary>Installs the callback once; called before any libbpf use.</summary>
    internal static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (_installed)
                return;
            LibBpf.SetPrint(&Print);
            _installed = true;
        }
    }

    /// <summary>Until disposed, this thread's libbpf messages are expected noise (Debug).</summary>
    internal static ExpectedFailureScope ExpectFailure()
    {
        _expectedFailures++;
        return default;
    }

    internal readonly struct ExpectedFailureScope : IDisposable
    {
        public void Dispose() => _expectedFailures--;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Print(int level, byte* format, nint args)
    {
        try
        {
            var logLevel = _expectedFailures > 0 ? LogLevel.Debug
                : level == LibBpfWarn ? LogLevel.Warning
                : level == LibBpfInfo ? LogLevel.Information
                : LogLevel.Debug;
            var logger = Volatile.Read(ref _logger);
            if (logger is null ? logLevel < LogLevel.Information : !logger.IsEnabled(logLevel))
                return 0;
            var message = Format(format, args).TrimEnd('\n');
            if (logger is null)
                Console.Error.WriteLine($"libbpf: {message}");
            else
                LogMessage(logger, logLevel, message);
        }
        catch (Exception)
        {
            // An exception must not unwind into libbpf's C frames; a lost diagnostic is the lesser harm.
        }
        return 0;
    }

    /// <summary>vsnprintf into a stack buffer, or, for long messages (verifier logs), a sized one.</summary>
    private static string Format(byte* format, nint args)
    {
        // The first pass works on a copy of the va_list, so the second can still read the original
        // (va_copy is a plain copy of the va_list object: 24 bytes on x86-64, 32 on arm64).
        var copy = stackalloc byte[32];
        Buffer.MemoryCopy((void*)args, copy, 32, RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 32 : 24);
        const int stackSize = 1024;
        var buffer = stackalloc byte[stackSize];
        var length = LibC.VsnPrintf(buffer, stackSize, format, (nint)copy);
        if (length < 0)
            return "(unformattable libbpf message)";
        if (length < stackSize)
            return new string((sbyte*)buffer, 0, length);
        var large = (byte*)NativeMemory.Alloc((nuint)length + 1);
        try
        {
            LibC.VsnPrintf(large, (nuint)length + 1, format, args);
            return new string((sbyte*)large, 0, length);
        }
        finally
        {
            NativeMemory.Free(large);
        }
    }

    [LoggerMessage(EventId = 3801, Message = "libbpf: {Message}")]
    private static partial void LogMessage(ILogger logger, LogLevel level, string message);
}
