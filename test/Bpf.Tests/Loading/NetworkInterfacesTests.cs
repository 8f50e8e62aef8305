namespace MicroSeg.Bpf.Tests.Loading;

public sealed class NetworkInterfacesTests
{
    [Fact]
    public void IndexOf_Loopback_ReturnsOne() => Assert.Equal(1, NetworkInterfaces.IndexOf("lo"));

    [Fact]
    public void IndexOf_MissingInterface_ReturnsZero() => Assert.Equal(0, NetworkInterfaces.IndexOf("ms-no-such-if"));
}
