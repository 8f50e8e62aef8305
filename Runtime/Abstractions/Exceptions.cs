namespace MicroSeg.Runtime;

/// <summary>A state write or clear found a newer version in storage than the one the grain holds (ETag mismatch).</summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What conflicted.</param>
    public InconsistentStateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the ETags involved.</summary>
    /// <param name="message">What conflicted.</param>
    /// <param name="storedEtag">The version in storage (null when there is no record).</param>
    /// <param name="currentEtag">The version the grain held.</param>
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag) : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The version in storage, when known.</summary>
    public string? StoredEtag { get; }

    /// <summary>The version the grain held.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>The silo (gateway) the call needed is not reachable: not connected, or the connection dropped while the call was pending.</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the silo is unavailable.</param>
    public SiloUnavailableException(string message) : base(message)
    {
    }
}

/// <summary>A call to an observer failed because its client is not connected (Orleans <c>ClientNotAvailableException</c>).</summary>
public sealed class ClientNotAvailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which client is gone.</param>
    public ClientNotAvailableException(string message) : base(message)
    {
    }
}

/// <summary>
/// A remote grain or observer threw an exception whose type cannot be rebuilt in this process; carries the
/// remote type name and message (Orleans <c>UnavailableExceptionFallbackException</c>).
/// </summary>
public sealed class GrainCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The remote message.</param>
    public GrainCallException(string message) : base(message)
    {
        RemoteExceptionType = "";
    }

    /// <summary>Creates the exception for a remote exception.</summary>
    /// <param name="remoteExceptionType">The full name of the remote exception type.</param>
    /// <param name="message">The remote message.</param>
    public GrainCallException(string remoteExceptionType, string message) : base($"{remoteExceptionType}: {message}")
    {
        RemoteExceptionType = remoteExceptionType;
        RemoteMessage = message;
    }

    /// <summary>The full name of the remote exception type.</summary>
    public string RemoteExceptionType { get; }

    /// <summary>The remote exception's message.</summary>
    public string? RemoteMessage { get; }
}
