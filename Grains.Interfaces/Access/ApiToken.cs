using Orleans;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>An API token as it is listed: never its secret, nor the secret's hash.</summary>
/// <param name="Name">Unique name chosen by its creator; the audit log names it as the actor.</param>
/// <param name="Role">What it may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">The token that created it, or "bootstrap" for the silo's initial admin token.</param>
[GenerateSerializer, Immutable, Alias("microseg.ApiToken")]
public sealed record ApiToken(
    [property: Id(0)] string Name,
    [property: Id(1)] ApiRole Role,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string CreatedBy);
