using System.Net.Http.Headers;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Access;
using Orleans;

namespace MicroSeg.Benchmarks.Load;

/// <summary>The HTTP client every benchmark calls the REST API with: it carries an admin token, as an operator's scripts do.</summary>
internal static class BenchmarkApiClient
{
    public static async Task<HttpClient> CreateAsync(IGrainFactory grains, Uri api, TimeSpan timeout)
    {
        var secret = await ApiTokenIssuer.IssueAsync(grains, $"bench-{Guid.NewGuid():N}", ApiRole.Admin, "benchmark", DateTimeOffset.UtcNow)
            ?? throw new InvalidOperationException("the benchmark's admin token could not be created");
        var http = new HttpClient { BaseAddress = api, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }
}
