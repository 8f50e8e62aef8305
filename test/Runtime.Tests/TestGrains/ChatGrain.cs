namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>A message pushed to observers.</summary>
public sealed record ChatMessage(string Room, string Text, int Sequence);

/// <summary>Receives chat messages.</summary>
public interface IChatObserver : IGrainObserver
{
    /// <summary>One message.</summary>
    Task ReceiveAsync(ChatMessage message);
}

/// <summary>Fans messages out to subscribed observers.</summary>
public interface IChatGrain : IGrainWithStringKey
{
    /// <summary>Subscribes; the reference is stored by the grain.</summary>
    Task SubscribeAsync(IChatObserver observer);

    /// <summary>Sends to every subscriber, waiting for each; returns how many failed.</summary>
    Task<int> PublishAsync(string text);
}

public sealed class ChatGrain : Grain, IChatGrain
{
    private readonly List<IChatObserver> _observers = [];
    private int _sequence;

    public Task SubscribeAsync(IChatObserver observer)
    {
        if (!_observers.Contains(observer))
            _observers.Add(observer);
        return Task.CompletedTask;
    }

    public async Task<int> PublishAsync(string text)
    {
        var message = new ChatMessage(GetPrimaryKeyString(), text, ++_sequence);
        var failed = 0;
        foreach (var observer in _observers.ToList())
        {
            try
            {
                await observer.ReceiveAsync(message);
            }
            catch (ClientNotAvailableException)
            {
                failed++;
                _observers.Remove(observer);
            }
        }

        return failed;
    }
}

/// <summary>A client-side observer collecting messages.</summary>
public sealed class ChatInbox : IChatObserver
{
    private readonly List<ChatMessage> _messages = [];

    public IReadOnlyList<ChatMessage> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    public Task ReceiveAsync(ChatMessage message)
    {
        lock (_messages)
            _messages.Add(message);
        return Task.CompletedTask;
    }
}
