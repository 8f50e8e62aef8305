using MicroSeg.Api.Endpoints;
using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Api;

/// <summary>Registers and maps the MicroSeg REST API.</summary>
public static class ApiEndpoints
{
    /// <summary>Services the API needs: problem details, OpenAPI, JSON settings.</summary>
    public static IServiceCollection AddMicroSegApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        return services;
    }

    /// <summary>Maps /api/v1/*, /healthz and /openapi/v1.json, and turns grain validation failures into 400 problems.</summary>
    public static IEndpointRouteBuilder MapMicroSegApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusFor, ExceptionHandler = WriteProblemAsync });
        app.UseStatusCodePages();
        var api = app.MapGroup("/api/v1");
        WorkloadEndpoints.Map(api);
        PolicyEndpoints.Map(api);
        NamespaceEndpoints.Map(api);
        NetworkPolicyEndpoints.Map(api);
        IdentityEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        NodeEndpoints.Map(api);
        ClusterEndpoints.Map(api);
        HealthEndpoints.Map(app);
        MetricsEndpoints.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    private static int StatusFor(Exception ex) => ex switch
    {
        SpecValidationException => StatusCodes.Status400BadRequest,
        BadHttpRequestException bad => bad.StatusCode,
        TimeoutException => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var ex = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        IResult result = ex switch
        {
            SpecValidationException invalid => ApiProblems.Invalid(invalid.Errors.Count > 0 ? invalid.Errors : [new ValidationError(invalid.ParamName ?? "body", invalid.Message)]),
            _ => TypedResults.Problem(statusCode: context.Response.StatusCode, title: "The request failed.", detail: ex?.Message),
        };
        await result.ExecuteAsync(context);
    }
}
