using MicroSeg.Grains.Common;

namespace MicroSeg.Grains.Tests.Common;

public sealed class IndexVersionsTests
{
    [Theory]
    [InlineData("a:5", "a:5", true)]
    [InlineData("a:6", "a:5", true)]
    [InlineData("a:4", "a:5", false)]
    [InlineData("b:9", "a:5", false)]
    [InlineData("a:x", "a:5", false)]
    public void IndexVersions_AreOrderedWithinOneLineageOnly(string held, string needed, bool includes) =>
        Assert.Equal(includes, IndexVersions.Includes(held, needed));
}
