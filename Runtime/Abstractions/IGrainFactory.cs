namespace MicroSeg.Runtime;

/// <summary>Creates references to grains and to local observer objects (Orleans <c>IGrainFactory</c>).</summary>
public interface IGrainFactory
{
    /// <summary>Gets a reference to the grain with the given string key; the grain activates on its first call.</summary>
    /// <typeparam name="TGrain">The grain interface.</typeparam>
    /// <param name="key">The grain key.</param>
    /// <returns>A reference (proxy) implementing <typeparamref name="TGrain"/>.</returns>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;

    /// <summary>Gets a reference to the grain with the given <see cref="Guid"/> key.</summary>
    /// <typeparam name="TGrain">The grain interface.</typeparam>
    /// <param name="key">The grain key.</param>
    /// <returns>A reference (proxy) implementing <typeparamref name="TGrain"/>.</returns>
    TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey;

    /// <summary>Gets a reference to the grain with the given integer key.</summary>
    /// <typeparam name="TGrain">The grain interface.</typeparam>
    /// <param name="key">The grain key.</param>
    /// <returns>A reference (proxy) implementing <typeparamref name="TGrain"/>.</returns>
    TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey;

    /// <summary>
    /// Makes a reference to a local object that can be passed to grains (also across the network), which
    /// then call the object through it. Calls to one object are delivered one at a time, in order.
    /// </summary>
    /// <typeparam name="TGrainObserverInterface">The observer interface the reference implements.</typeparam>
    /// <param name="obj">The local object; it must implement <typeparamref name="TGrainObserverInterface"/>.</param>
    /// <returns>The reference.</returns>
    TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver;

    /// <summary>Deletes every reference made for <paramref name="obj"/>; later calls through them fail.</summary>
    /// <typeparam name="TGrainObserverInterface">The observer interface of the references.</typeparam>
    /// <param name="obj">The local object.</param>
    void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver;
}
