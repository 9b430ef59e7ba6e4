using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// Logs every refused request (a 4xx, whoever answered it: the exception handler, Wolverine's validation, routing,
/// authentication) as exactly one Information line, without a stack trace: a client's mistake is not the server's
/// fault, and Error stays for the server's own faults (5xx, logged by <see cref="ProblemDetailsExceptionHandler"/>), so
/// operators can alert on it.
/// </summary>
public static class RefusedRequests
{
    private const string DetailKey = "ModularMonolith.RefusalDetail";

    public static IApplicationBuilder UseRefusedRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RefusedRequests));
        return app.Use((context, next) =>
        {
            // As the response starts, when its status is final: logged before the client has its answer.
            context.Response.OnStarting(() =>
            {
                var status = context.Response.StatusCode;
                if (status is >= 400 and < 500)
                    logger.LogInformation("Request {Method} {Path} refused: {Status} {Detail}", context.Request.Method,
                        context.Request.Path, status, context.Items[DetailKey] as string ?? "");
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>What the log line says about a refusal, when the one who refused knows more than the status.</summary>
    public static void Explain(HttpContext context, string? detail) => context.Items[DetailKey] = detail;
}
