using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MicroSeg.Api.Problems;

/// <summary>RFC 7807 problem+json answers with messages that name the object and field.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Invalid(IReadOnlyList<ValidationError> errors)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")),
            Type = "https://microseg.dev/problems/validation",
        };
        problem.Extensions["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray();
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string kind, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {kind}.",
            detail: $"{kind} '{id}' does not exist.", type: "https://microseg.dev/problems/not-found");

    public static ProblemHttpResult Conflict(string kind, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The {kind} exists.",
            detail: $"{kind} '{id}' already exists: use PUT /{id} to replace it.", type: "https://microseg.dev/problems/conflict");

    /// <summary>409 for an address another workload holds: names the field, the address and the holder.</summary>
    public static ProblemHttpResult AddressInUse(AddressInUseException ex)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The address is held by another workload.",
            Detail = $"{ex.Field}: {ex.Message}",
            Type = "https://microseg.dev/problems/address-in-use",
        };
        problem.Extensions["holder"] = ex.Holder;
        problem.Extensions["address"] = ex.Address;
        problem.Extensions["errors"] = new[] { new { field = ex.Field, message = ex.Message } };
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult IdMismatch(string pathId, string bodyId) =>
        Invalid([new ValidationError("id", $"the body's id '{bodyId}' differs from the id '{pathId}' in the URL; omit it or make them equal.")]);
}
