namespace MicroSeg.Runtime;

/// <summary>Anything the runtime can address: grains and grain observers (Orleans <c>IAddressable</c>).</summary>
public interface IAddressable;

/// <summary>Marker of grain interfaces (Orleans <c>IGrain</c>).</summary>
public interface IGrain : IAddressable;

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain identified by a <see cref="Guid"/> key.</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain;

/// <summary>
/// An object outside the grain world (a client or plain object) that grains call back through a
/// reference made by <see cref="IGrainFactory.CreateObjectReference{TGrainObserverInterface}"/>.
/// </summary>
public interface IGrainObserver : IAddressable;
