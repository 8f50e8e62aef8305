using System.Net;

namespace MicroSeg.Bpf.Tests.Maps;

public sealed class IpCacheKeyTests
{
    [Theory]
    [InlineData("198.18.7.9/24", IpFamily.IPv4, 24, "198.18.7.0")]
    [InlineData("198.18.7.9", IpFamily.IPv4, 32, "198.18.7.9")]
    [InlineData("198.19.255.255/15", IpFamily.IPv4, 15, "198.18.0.0")]
    [InlineData("fd00:198:18::7/48", IpFamily.IPv6, 48, "fd00:198:18::")]
    [InlineData("fd00:198:18::7", IpFamily.IPv6, 128, "fd00:198:18::7")]
    public void FromCidr_ValidCidr_StoresFamilyTrieLengthAndMaskedAddress(string cidr, IpFamily family, int prefix, string address)
    {
        var key = IpCacheKey.FromCidr(cidr);

        Assert.Equal(family, key.Family);
        Assert.Equal((uint)(32 + prefix), key.PrefixLength);
        Assert.Equal(IPAddress.Parse(address), key.Address.ToIPAddress(family));
        Assert.Equal($"{IPAddress.Parse(address)}/{prefix}", key.ToString());
    }

    [Fact]
    public void FromCidr_Ipv4_LeavesBytesAfterTheAddressZero()
    {
        var key = IpCacheKey.FromCidr("198.18.0.1/32");
        Assert.All(((ReadOnlySpan<byte>)key.Address)[4..].ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData("198.18.0.0/33")]
    [InlineData("fd00::/129")]
    [InlineData("198.18.0.0/-1")]
    public void FromCidr_PrefixOutOfRange_Throws(string cidr) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IpCacheKey.FromCidr(cidr));

    [Theory]
    [InlineData("not-an-address/24")]
    [InlineData("198.18.0.0/x")]
    public void FromCidr_Malformed_ThrowsFormatException(string cidr) =>
        Assert.Throws<FormatException>(() => IpCacheKey.FromCidr(cidr));
}
