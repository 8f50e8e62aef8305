using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Addresses;

/// <summary>Builds the keys of <see cref="IAddressClaimGrain"/> in one place.</summary>
public static class AddressKeys
{
    /// <summary>
    /// The canonical key of an address, so that two spellings of one address ("::ffff:198.18.0.1" and
    /// "198.18.0.1", or IPv6 with and without zero compression) meet at the same grain. The address must be valid.
    /// </summary>
    public static string Of(string address) => CidrBlock.Host(address).ToString();
}
