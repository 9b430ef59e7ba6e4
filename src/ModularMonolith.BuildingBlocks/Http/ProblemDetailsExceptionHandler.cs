using System.Net.Sockets;
using System.Text.Json;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModularMonolith.BuildingBlocks.Domain;
using Npgsql;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// The one place where exceptions become RFC 9457 ProblemDetails. A client's mistake is never a 500:
/// broken invariants are 409, a stale If-Match is 412, unreadable bodies are 400/413/415, and a database
/// that cannot be reached is 503. Only what is left is a 500, without internals.
/// A 5xx is logged here at Error with the exception; a client's mistake is left to <see cref="RefusedRequests"/>, one
/// Information line without the exception. ASP.NET's own diagnostics for a handled exception are suppressed (HttpApi),
/// so nothing else logs the same request again.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails,
    IEnumerable<UniqueConstraint> uniqueConstraints,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken token)
    {
        var problem = Describe(context, exception);
        if (problem.Status >= 500)
            logger.LogError(exception, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        else
            RefusedRequests.Explain(context, problem.Detail);

        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = "5";

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception
        });
    }

    private ProblemDetails Describe(HttpContext context, Exception exception)
    {
        // Before the switch: Marten reports any unique violation as DocumentAlreadyExistsException,
        // but a registered unique index deserves its own message and field.
        if (FindUniqueViolation(exception) is { } violated)
        {
            var known = uniqueConstraints.FirstOrDefault(c => c.IndexName == violated);
            var problem = Problem(StatusCodes.Status409Conflict, "The resource conflicts with an existing one.",
                known?.Message ?? "A value that must be unique is already used.");
            if (known is not null)
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [known.Field] = [known.Message] };
            return problem;
        }

        switch (exception)
        {
            case RequestRefused refused:
                var refusal = Problem(refused.Status, refused.Title, refused.Message);
                if (refused.Field is not null)
                    refusal.Extensions["errors"] = new Dictionary<string, string[]> { [refused.Field] = [refused.Message] };
                return refusal;

            case RuleViolation violation:
                var conflict = Problem(StatusCodes.Status409Conflict, "The request breaks a business rule.", violation.Message);
                foreach (var (name, value) in violation.Facts) conflict.Extensions[ProblemMembers.EnsureExtensionName(name)] = value;
                return conflict;

            case ConcurrencyException or ConcurrentUpdateException:
                return context.Request.Headers.IfMatch.Count > 0
                    ? Problem(StatusCodes.Status412PreconditionFailed, "The resource has changed.",
                        "If-Match does not name the current version; read the resource again for its ETag.")
                    : Problem(StatusCodes.Status409Conflict, "The resource was changed concurrently.",
                        "Another request changed this resource at the same time; read it again and retry.");

            case JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
                or DocumentAlreadyExistsException:
                return Problem(StatusCodes.Status409Conflict, "The resource already exists.", exception.Message);

            case BadHttpRequestException { InnerException: JsonException inner }:
                return Unreadable(context, inner);

            case BadHttpRequestException bad:
                return Problem(bad.StatusCode, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => JsonRequestBodies.NotJsonTitle,
                    _ => "The request could not be read."
                }, bad.Message);

            case JsonException unreadable:
                return Unreadable(context, unreadable);
        }

        if (IsDatabaseUnavailable(exception))
            return Problem(StatusCodes.Status503ServiceUnavailable, "The service is temporarily unavailable.",
                "The database cannot be reached; retry shortly.");

        return Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
            "The error was logged; the request may be retried.");
    }

    /// <summary>A body that is not JSON, or not the JSON this endpoint reads: a 400 naming the field, in JSON terms.</summary>
    private ProblemDetails Unreadable(HttpContext context, JsonException exception)
    {
        // The exception handler middleware clears the request's endpoint before it calls handlers; its feature keeps it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var requestType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var (field, message) = JsonBodyErrors.Describe(exception, requestType, json.Value.SerializerOptions);
        var problem = Problem(StatusCodes.Status400BadRequest, "The request body does not fit this endpoint.", message);
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    /// <summary>
    /// The name of the unique index a write broke, or null. Marten reports a document inserted twice
    /// (<c>session.Insert</c>) without a PostgresException (ON CONFLICT DO NOTHING, then no row): that is its primary
    /// key, named as Marten names it.
    /// </summary>
    private static string? FindUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            switch (e)
            {
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                    return pg.ConstraintName ?? "";
                case DocumentAlreadyExistsException { DocType: { } type }:
                    return $"pkey_mt_doc_{type.Name.ToLowerInvariant()}_id";
            }
        return null;
    }

    private static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or TimeoutException) return true;
            if (e is NpgsqlException { IsTransient: true }) return true;
            if (e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow })
                return true;
        }
        return false;
    }

    private static ProblemDetails Problem(int status, string title, string? detail) =>
        new() { Status = status, Title = title, Detail = detail };
}
