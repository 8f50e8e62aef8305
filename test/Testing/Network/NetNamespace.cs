using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MicroSeg.Testing;

/// <summary>
/// Creates sockets inside a named network namespace. A socket keeps the namespace it was
/// created in, so only the creation happens on a dedicated thread that enters the namespace
/// (setns) and leaves it again; the socket is used asynchronously from anywhere afterwards.
/// </summary>
internal static partial class NetNamespace
{
    private const int CloneNewNet = 0x40000000;

    public static string PathOf(string name) => $"/var/run/netns/{name}";

    public static bool Exists(string name) => File.Exists(PathOf(name));

    public static Socket CreateSocket(string name, AddressFamily family, SocketType type, ProtocolType protocol) =>
        Run(name, () => new Socket(family, type, protocol));

    private static T Run<T>(string name, Func<T> action)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var original = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(PathOf(name));
                Enter(target, name);
                try
                {
                    result = action();
                }
                finally
                {
                    // If this fails the thread is tainted, but it exits right after.
                    Enter(original, "original");
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = $"netns {name}",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new InvalidOperationException($"creating a socket in netns {name} failed: {failure.Message}", failure);
        return result!;
    }

    private static void Enter(SafeFileHandle handle, string name)
    {
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            throw new InvalidOperationException($"setns({name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
