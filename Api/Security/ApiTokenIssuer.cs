using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>Creates API tokens: a new secret whose hash the token registry stores.</summary>
public static class ApiTokenIssuer
{
    /// <summary>Creates token <paramref name="name"/>; its secret, or null when a token of that name exists.</summary>
    public static async Task<string?> IssueAsync(IGrainFactory grains, string name, ApiRole role, string createdBy, DateTimeOffset now)
    {
        var secret = ApiTokenSecret.Generate();
        var created = await grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster).CreateAsync(new ApiToken(name, role, now, createdBy), ApiTokenSecret.Hash(secret));
        return created ? secret : null;
    }
}
