using MicroSeg.NodeAgent.Interfaces;

namespace MicroSeg.NodeAgent.Tests.Interfaces;

public sealed class InterfaceNamesTests
{
    [Theory]
    [InlineData("eth0")]
    [InlineData("veth1a2b3c4d5e6")]  // 15 bytes, the most a device name holds
    [InlineData("lxc_web-1.prod")]
    [InlineData("é12345678901")]     // 13 bytes
    public void Check_KernelValidName_Accepted(string name) => Assert.Null(InterfaceNames.Check(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("veth1a2b3c4d5e6f", "16 bytes")]
    [InlineData("éééééééé", "16 bytes")]   // 8 characters, but 16 bytes
    [InlineData(".", "not a device name")]
    [InlineData("..", "not a device name")]
    [InlineData("eth0/1", "'/'")]
    [InlineData("eth0:1", "':'")]
    [InlineData("eth 0", "white space")]
    [InlineData("eth0\t", "white space")]
    [InlineData("eth0\n", "white space")]
    [InlineData("eth\u00a00", "white space")]  // the kernel's isspace() takes byte 0xA0
    [InlineData("eth0\0evil", "NUL")]
    public void Check_NameTheKernelRefuses_RejectedWithReason(string name, string reason)
    {
        var error = InterfaceNames.Check(name);
        Assert.NotNull(error);
        Assert.Contains(reason, error);
    }
}
