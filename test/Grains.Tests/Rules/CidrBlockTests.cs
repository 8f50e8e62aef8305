using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Tests.Rules;

public sealed class CidrBlockTests
{
    [Theory]
    [InlineData("198.18.9.7/24", "198.18.9.0/24")]
    [InlineData("198.18.9.7", "198.18.9.7/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("fd00:198:18::5/64", "fd00:198:18::/64")]
    [InlineData("::ffff:198.18.0.1", "198.18.0.1/32")]
    [InlineData("0.0.0.0", "0.0.0.0/32")]
    [InlineData("10.0.0.1/0", "0.0.0.0/0")]
    [InlineData("fd00::1/128", "fd00::1/128")]
    public void Parse_Valid_ClearsHostBits(string text, string canonical)
    {
        Assert.Equal(canonical, CidrBlock.Parse(text).ToString());
    }

    [Theory]
    [InlineData("198.18.9.0/33")]
    [InlineData("198.18.9/24")]
    [InlineData("not-an-address")]
    [InlineData("198.18.0.1/-1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.1/8")]
    [InlineData("0x0a000001/8")]
    [InlineData("010.000.000.001")]
    [InlineData("198.018.0.1/32")]
    [InlineData("198.18.0.1/024")]
    [InlineData("198.18.0.1/")]
    [InlineData("198.18.0.1/+8")]
    [InlineData("256.18.0.1")]
    [InlineData("198.18.0.1.5")]
    [InlineData("198.18..1")]
    [InlineData("::ffff:010.0.0.1")]
    [InlineData(" 198.18.0.1")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.False(CidrBlock.TryParse(text, out _));
    }

    [Theory]
    [InlineData("198.18.0.0/16", "198.18.9.0/24", true)]
    [InlineData("198.18.9.0/24", "198.18.0.0/16", false)]
    [InlineData("198.18.9.0/24", "198.18.9.0/24", true)]
    [InlineData("198.18.9.0/24", "198.18.10.1/32", false)]
    [InlineData("0.0.0.0/0", "198.18.10.1/32", true)]
    [InlineData("0.0.0.0/0", "fd00::1/128", false)]
    public void Contains_Blocks_AnswersContainment(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, CidrBlock.Parse(outer).Contains(CidrBlock.Parse(inner)));
    }
}
