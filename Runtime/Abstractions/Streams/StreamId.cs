using System.Globalization;

namespace MicroSeg.Runtime;

/// <summary>
/// Identity of a stream (Orleans <c>StreamId</c>): a namespace, which implicit subscriptions match, and a key,
/// which is also the key of implicitly subscribed grains.
/// </summary>
/// <param name="Namespace">The stream namespace, e.g. a constant such as <c>StreamNames.LabelChanges</c>.</param>
/// <param name="Key">The stream key within the namespace.</param>
public readonly record struct StreamId(string Namespace, string Key)
{
    /// <summary>Creates a stream id with a string key.</summary>
    /// <param name="streamNamespace">The namespace.</param>
    /// <param name="key">The key.</param>
    /// <returns>The id.</returns>
    public static StreamId Create(string streamNamespace, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamNamespace);
        ArgumentNullException.ThrowIfNull(key);
        return new StreamId(streamNamespace, key);
    }

    /// <summary>Creates a stream id with a <see cref="Guid"/> key (formatted as a grain's Guid key is).</summary>
    /// <param name="streamNamespace">The namespace.</param>
    /// <param name="key">The key.</param>
    /// <returns>The id.</returns>
    public static StreamId Create(string streamNamespace, Guid key) => Create(streamNamespace, key.ToString("D"));

    /// <summary>Creates a stream id with an integer key (formatted as a grain's integer key is).</summary>
    /// <param name="streamNamespace">The namespace.</param>
    /// <param name="key">The key.</param>
    /// <returns>The id.</returns>
    public static StreamId Create(string streamNamespace, long key) => Create(streamNamespace, key.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Key}";
}

/// <summary>
/// Position of an event in its stream (Orleans <c>StreamSequenceToken</c>): sequence numbers start at 1 and
/// grow by one per event of the stream, in the order the events were appended.
/// </summary>
/// <param name="SequenceNumber">The event's sequence number in its stream.</param>
public sealed record StreamSequenceToken(long SequenceNumber) : IComparable<StreamSequenceToken>
{
    /// <summary>Orders tokens of one stream by sequence number (null sorts first).</summary>
    /// <param name="other">The other token.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(StreamSequenceToken? other) => other is null ? 1 : SequenceNumber.CompareTo(other.SequenceNumber);

    /// <summary>Whether this token comes after <paramref name="other"/>.</summary>
    /// <param name="other">The other token.</param>
    /// <returns>True when this sequence number is greater.</returns>
    public bool Newer(StreamSequenceToken other) => CompareTo(other) > 0;

    /// <summary>Whether this token comes before <paramref name="other"/>.</summary>
    /// <param name="other">The other token.</param>
    /// <returns>True when this sequence number is smaller.</returns>
    public bool Older(StreamSequenceToken other) => CompareTo(other) < 0;
}
