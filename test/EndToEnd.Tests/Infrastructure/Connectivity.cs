using MicroSeg.Testing;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>One TCP connection attempt a test expects to succeed or be refused.</summary>
internal readonly record struct Flow(TestPod From, TestPod To, int Port, bool Expected)
{
    public override string ToString() => $"{From.Name}->{To.Name}:{Port}";
}

/// <summary>Checks many flows at once (in parallel: a refused one costs the whole timeout) and reports every mismatch.</summary>
internal static class Connectivity
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static async Task ExpectAsync(ITestOutputHelper output, string step, IReadOnlyList<Flow> flows, params ChildProcess[] logs)
    {
        var results = await Task.WhenAll(flows.Select(f => f.From.CanConnectTcpAsync(f.To.Address, f.Port, Timeout)));
        var wrong = flows.Zip(results)
            .Where(x => x.Second != x.First.Expected)
            .Select(x => $"{x.First} {(x.Second ? "connected" : "was refused")}, expected {(x.Second ? "refused" : "connected")}")
            .ToList();
        if (wrong.Count > 0)
        {
            foreach (var log in logs)
                output.WriteLine(log.Tail());
        }
        Assert.True(wrong.Count == 0, $"{step}: {string.Join("; ", wrong)}");
    }

    /// <summary>Every ordered pair of pods on every port, expected as <paramref name="expected"/> says.</summary>
    public static IReadOnlyList<Flow> Matrix(IReadOnlyDictionary<string, TestPod> pods, int[] ports, Func<string, string, int, bool> expected) =>
        (from f in pods
         from t in pods
         where f.Key != t.Key
         from port in ports
         select new Flow(f.Value, t.Value, port, expected(f.Key, t.Key, port))).ToList();
}
