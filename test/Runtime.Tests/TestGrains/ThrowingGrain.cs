namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>An exception type with no (message) constructor: cannot be rebuilt remotely.</summary>
public sealed class OddException(int code) : Exception($"odd failure {code}");

/// <summary>Throws.</summary>
public interface IThrowingGrain : IGrainWithIntegerKey
{
    /// <summary>Throws ArgumentException for <paramref name="parameter"/>.</summary>
    Task ThrowArgumentAsync(string parameter);

    /// <summary>Throws InvalidOperationException after an await.</summary>
    Task<int> ThrowInvalidOperationAsync(string message);

    /// <summary>Throws <see cref="OddException"/>.</summary>
    ValueTask ThrowOddAsync();

    /// <summary>Never answers (for timeouts and dropped connections).</summary>
    Task<int> HangAsync();
}

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    public Task ThrowArgumentAsync(string parameter) => throw new ArgumentException("the value is wrong", parameter);

    public async Task<int> ThrowInvalidOperationAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public ValueTask ThrowOddAsync() => throw new OddException(42);

    public async Task<int> HangAsync()
    {
        await Task.Delay(Timeout.InfiniteTimeSpan);
        return 0;
    }
}
