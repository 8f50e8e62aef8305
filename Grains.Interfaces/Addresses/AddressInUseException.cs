using Orleans;

namespace MicroSeg.Grains.Interfaces.Addresses;

/// <summary>
/// Thrown by a workload grain asked to take an address that another workload holds; nothing was changed.
/// Serializable by Orleans, so the API on any silo can answer 409 naming the field and the holder.
/// </summary>
[GenerateSerializer, Alias("microseg.AddressInUseException")]
public sealed class AddressInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workloadId">The workload that asked.</param>
    /// <param name="field">The field that lists the address, e.g. "addresses[0]".</param>
    /// <param name="address">The address as the request spelled it.</param>
    /// <param name="holder">The workload that holds it.</param>
    public AddressInUseException(string workloadId, string field, string address, string holder)
        : base($"workload '{workloadId}': address {address} is held by workload '{holder}'; remove it from '{holder}' (PUT or DELETE /api/v1/workloads/{holder}) first to move it.")
    {
        WorkloadId = workloadId;
        Field = field;
        Address = address;
        Holder = holder;
    }

    /// <summary>The workload that asked for the address.</summary>
    [Id(0)]
    public string WorkloadId { get; private set; }

    /// <summary>The field that lists the address.</summary>
    [Id(1)]
    public string Field { get; private set; }

    /// <summary>The address as the request spelled it.</summary>
    [Id(2)]
    public string Address { get; private set; }

    /// <summary>The workload that holds the address.</summary>
    [Id(3)]
    public string Holder { get; private set; }
}
