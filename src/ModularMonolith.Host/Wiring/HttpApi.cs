using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Host.Operations;
using Scalar.AspNetCore;
using Wolverine.Http;

namespace ModularMonolith.Host.Wiring;

/// <summary>The HTTP conventions every module's endpoints share (docs/architecture.md, "HTTP conventions").</summary>
internal static class HttpApi
{
    /// <summary>Bodies larger than this are refused with 413 before they are read.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddHttpApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.Services.ConfigureSystemTextJsonForWolverineOrMinimalApi(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // A misspelt field must not be silently ignored: unknown members are a 400.
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // The web defaults read "10" as 10; a number sent as a string is a client bug worth a 400.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            // Every decimal is money: judged from the client's text, whole cents, shown at 2 decimals (MoneyJson).
            json.SerializerOptions.Converters.Add(new MoneyJson.Converter());
            json.SerializerOptions.TypeInfoResolver =
                (json.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(MoneyJson.NameMoneyFields);
        });

        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // Routing refuses a non-JSON body to an endpoint that reads JSON with a bare 415; say why, as everywhere.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Title = JsonRequestBodies.NotJsonTitle;
                context.ProblemDetails.Detail = JsonRequestBodies.NotJson(context.HttpContext.Request.ContentType);
            }
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // The handler logs what it handles (Error for a 5xx, the refusal log's one Information line otherwise); the
        // middleware's own "unhandled exception" Error with its stack would log every client mistake a second time.
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.SuppressDiagnosticsCallback =
            context => context.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerService);

        builder.Services.AddOpenApi(openApi => openApi
            .AddDocumentTransformer<OpenApiContract>()
            .AddOperationTransformer<OpenApiContract>()
            .AddSchemaTransformer<OpenApiContract>());
        builder.Services.AddOptions<ProjectionHealthOptions>().BindConfiguration(ProjectionHealthOptions.Section);
        builder.Services.AddSingleton<ProjectionMonitor>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgresql", tags: ["ready"])
            .AddCheck<ProjectionLagHealthCheck>("projections", tags: ["ready"])
            .AddCheck<DeadLetterHealthCheck>("dead-letters", tags: ["ready"]);
        builder.Services.AddWolverineHttp();
        return builder;
    }

    public static WebApplication UseHttpApi(this WebApplication app)
    {
        app.UseRefusedRequestLog();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Kestrel enforces MaxRequestBodySize while reading; this refuses a declared oversize body up front,
        // on any server (the in-memory test server has no such limit of its own).
        app.Use((context, next) => context.Request.ContentLength > MaxRequestBodyBytes
            ? throw new BadHttpRequestException($"The request body is larger than {MaxRequestBodyBytes} bytes.",
                StatusCodes.Status413PayloadTooLarge)
            : next(context));
        // A malformed If-Match is a client mistake on any endpoint, including those that create (they have no version
        // to compare with, so a well-formed one is ignored there; on existing aggregates the writes compare it).
        app.Use((context, next) => ETags.TryReadIfMatch(context.Request, out _, out var error)
            ? next(context)
            : throw RequestRefused.Invalid("If-Match", error!));
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization (a stranger gets 401/403, not a verdict on the body), before any endpoint runs.
        app.UseJsonRequestBodies();
        app.UseLostRaceRetries();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            // Degraded still serves traffic (200); only Unhealthy takes the node out of rotation (503).
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 }
        }).AllowAnonymous();

        app.MapWolverineEndpoints(http =>
        {
            // Every endpoint needs a caller unless it says [AllowAnonymous] (sign-up, public reads).
            http.RequireAuthorizeOnAll();
            http.AddPolicy<IdempotencyKeys>();
        });
        return app;
    }
}
