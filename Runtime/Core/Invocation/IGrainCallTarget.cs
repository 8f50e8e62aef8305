using System.Text.Json;

namespace MicroSeg.Runtime.Invocation;

/// <summary>Where a reference's calls go: a local activation, a local object, or a remote process.</summary>
internal interface IGrainCallTarget : IEquatable<IGrainCallTarget>
{
    /// <summary>The interface the reference was made for.</summary>
    Type Interface { get; }

    /// <summary>Sends the call; the returned task is a Task&lt;T&gt; of the method's result type.</summary>
    Task Invoke(MethodDescriptor method, object?[] args);

    /// <summary>Sends the call without waiting for (or reporting) its outcome.</summary>
    void InvokeOneWay(MethodDescriptor method, object?[] args);

    /// <summary>Writes the reference as JSON so the receiving process can rebuild it.</summary>
    void WriteTo(Utf8JsonWriter writer);
}
