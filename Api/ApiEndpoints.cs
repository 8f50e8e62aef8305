using MicroSeg.Api.Diagnostics;
using MicroSeg.Api.Endpoints;
using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;
using OpenTelemetry.Resources;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Runtime.Messaging;

namespace MicroSeg.Api;

/// <summary>Registers and maps the MicroSeg REST API.</summary>
public static class ApiEndpoints
{
    /// <summary>Services the API needs: problem details, OpenAPI, JSON settings.</summary>
    public static IServiceCollection AddMicroSegApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi("v1", Documentation.OpenApiDocumentation.Configure);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GrainCallStatistics>();
        services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<GrainCallStatistics>());
        services.AddSingleton<ClusterStatisticsReader>();
        services.AddSingleton<MeterExport>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("microseg-silo"))
            .WithMetrics(m => m.AddMeter(MeterExport.Meters).AddPrometheusExporter());
        services.AddOptions<ApiSecurityOptions>();
        // Host filtering runs only when AllowedHosts is set (a loopback-bound silo); it reads its list from our options.
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<ApiSecurityOptions>>((hosts, security) =>
        {
            hosts.AllowedHosts = [.. security.Value.AllowedHosts];
            hosts.AllowEmptyHosts = false;
        });
        var authentication = services.AddAuthentication(OidcAuthentication.SelectingScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiAuthentication>(ApiAuthentication.SchemeName, null);
        OidcAuthentication.Add(authentication);
        ApiPolicies.Add(services.AddAuthorizationBuilder());
        return services;
    }

    /// <summary>Maps /api/v1/*, /healthz and /openapi/v1.json, and turns grain validation failures into 400 problems.</summary>
    public static IEndpointRouteBuilder MapMicroSegApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusFor, ExceptionHandler = WriteProblemAsync });
        app.UseStatusCodePages();
        app.Services.GetRequiredService<MeterExport>().Build(app);
        var security = app.Services.GetRequiredService<IOptions<ApiSecurityOptions>>().Value;
        if (security.AllowedHosts.Count > 0)
            app.UseHostFiltering();
        app.UseAuthentication();
        app.UseAuthorization();
        var api = app.MapGroup("/api/v1").RequireApiAccess();
        WorkloadEndpoints.Map(api);
        PolicyEndpoints.Map(api);
        NamespaceEndpoints.Map(api);
        NetworkPolicyEndpoints.Map(api);
        IdentityEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        NodeEndpoints.Map(api);
        ClusterEndpoints.Map(api);
        FlowEndpoints.Map(api);
        TokenEndpoints.Map(api);
        AuditEndpoints.Map(api);
        RecommendationEndpoints.Map(api);
        SimulationEndpoints.Map(api);
        ProvisionEndpoints.Map(api);
        WhyEndpoints.Map(api);
        HealthEndpoints.Map(app);
        ReadinessEndpoints.Map(app);
        var metrics = MetricsEndpoints.Map(app);
        if (!security.OpenMetrics)
            metrics.RequireAuthorization(ApiPolicies.Viewer);
        app.MapOpenApi("/openapi/{documentName}.json");
        // The API reference page; its script is served from the package, and no web fonts are fetched.
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("MicroSeg API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());
        return app;
    }

    private static int StatusFor(Exception ex) => ex switch
    {
        SpecValidationException => StatusCodes.Status400BadRequest,
        BadHttpRequestException bad => bad.StatusCode,
        _ when IsUnavailable(ex) => StatusCodes.Status503ServiceUnavailable,
        TimeoutException => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// The grain's silo just died or is not reachable, or the storage behind it is down: the request
    /// may succeed when retried once membership has settled (about a second) or storage is back.
    /// </summary>
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException => true,
        InconsistentStateException => true,
        System.Data.Common.DbException => true,
        OrleansException { InnerException: { } inner } => IsUnavailable(inner),
        AggregateException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>Seconds a client should wait before retrying a 503.</summary>
    private const string RetryAfterSeconds = "1";

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var ex = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        IResult result = ex switch
        {
            SpecValidationException invalid => ApiProblems.Invalid(invalid.Errors.Count > 0 ? invalid.Errors : [new ValidationError("body", invalid.Message)]),
            _ when context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable => TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The control plane is briefly unavailable; retry.",
                detail: "a grain's silo or the database is not reachable right now (the silo log has the cause).", type: "https://microseg.dev/problems/unavailable"),
            // The framework's own request errors (body too large, bad framing) describe the request, not our internals.
            BadHttpRequestException bad => TypedResults.Problem(statusCode: context.Response.StatusCode, title: "The request is malformed.", detail: bad.Message),
            // Anything else stays in the silo log: exception text shows internals to whoever sent the request.
            _ => TypedResults.Problem(statusCode: context.Response.StatusCode, title: "The request failed.",
                detail: $"an internal error occurred (trace id {context.TraceIdentifier}; the silo log has the cause)."),
        };
        await result.ExecuteAsync(context);
    }
}
