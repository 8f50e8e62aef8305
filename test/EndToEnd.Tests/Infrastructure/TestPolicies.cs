namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>Native policies several end-to-end tests apply through the REST API.</summary>
internal static class TestPolicies
{
    /// <summary>"app=b accepts TCP 80 from app=a": isolates b for ingress only.</summary>
    public static readonly object BAcceptsAOn80 = BAcceptsAOn80Named("b-accepts-a-80");

    /// <summary>"app=b accepts TCP 80 from app=a" under the given policy id.</summary>
    public static object BAcceptsAOn80Named(string id) => new
    {
        id,
        selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "b" } },
        ingress = new[]
        {
            new
            {
                from = new[] { new { selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "a" } } } },
                ports = new[] { new { protocol = "TCP", port = 80 } },
            },
        },
    };
}
