namespace MicroSeg.Runtime.TestingHost;

/// <summary>Waits for a condition with a deadline, checking every 10 ms (never a bare sleep).</summary>
internal static class Polling
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }
}
