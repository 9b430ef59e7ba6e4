using System.Net.Sockets;
using System.Text.Json;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using ModularMonolith.BuildingBlocks.Domain;
using Npgsql;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// The one place where exceptions become RFC 9457 ProblemDetails. A client's mistake is never a 500:
/// broken invariants are 409, a stale If-Match is 412, unreadable bodies are 400/413/415, and a database
/// that cannot be reached is 503. Only what is left is a 500, without internals.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails,
    IEnumerable<UniqueConstraint> uniqueConstraints,
    ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken token)
    {
        var problem = Describe(context, exception);
        if (problem.Status >= 500)
            logger.LogError(exception, "Request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        else
            logger.LogInformation("Request {Method} {Path} refused: {Status} {Detail}", context.Request.Method,
                context.Request.Path, problem.Status, problem.Detail);

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
            var known = uniqueConstraints.FirstOrDefault(c => c.IndexName == violated.ConstraintName);
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

            case BadHttpRequestException bad:
                return Problem(bad.StatusCode, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
                    _ => "The request could not be read."
                }, bad.InnerException is JsonException inner ? inner.Message : bad.Message);

            case JsonException json:
                return Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON for this endpoint.",
                    json.Message);
        }

        if (IsDatabaseUnavailable(exception))
            return Problem(StatusCodes.Status503ServiceUnavailable, "The service is temporarily unavailable.",
                "The database cannot be reached; retry shortly.");

        return Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
            "The error was logged; the request may be retried.");
    }

    private static PostgresException? FindUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
                return pg;
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
