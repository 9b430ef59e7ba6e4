using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ModularMonolith.Testing;

/// <summary>
/// What every response of the API promises, checked on every response the test suite provokes (the fixture runs it
/// after each Alba scenario, so the test that provoked a broken response is the one that fails):
/// a ProblemDetails has each member once and a numeric <c>status</c> equal to the HTTP status (RFC 9457), and the
/// status is one the OpenAPI document declares for that operation, so a client generated from it is not surprised.
/// </summary>
public sealed class ResponseContract(JsonDocument openApi)
{
    /// <summary>Member names an extension must never reuse: RFC 9457's and the project's own.</summary>
    public static readonly string[] ReservedMembers = ["type", "title", "status", "detail", "instance", "errors", "traceId"];

    public IReadOnlyList<string> Violations(string method, string? routePattern, int status, string? contentType, string body)
    {
        var violations = new List<string>();
        if (contentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true)
            violations.AddRange(ProblemDetailsViolations(status, body));

        if (routePattern is not null && Operation(method, routePattern) is { } operation &&
            !(operation.TryGetProperty("responses", out var responses) && responses.TryGetProperty(status.ToString(), out _)))
            violations.Add($"{method} {routePattern} answered {status}, which its OpenAPI operation does not declare.");
        return violations;
    }

    public static IEnumerable<string> ProblemDetailsViolations(int status, string body)
    {
        var names = new List<string>();
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));
            // JsonDocument keeps duplicate members silently; only the reader sees every name of the top-level object.
            while (reader.Read())
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                    names.Add(reader.GetString()!);
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return [$"a problem+json body that is not JSON ({e.Message}): {body}"];
        }

        var problems = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"ProblemDetails member '{g.Key}' appears {g.Count()} times: {body}").ToList();
        if (!root.TryGetProperty("status", out var member) || member.ValueKind != JsonValueKind.Number ||
            member.GetInt32() != status)
            problems.Add($"ProblemDetails status is not the number {status}: {body}");
        return problems;
    }

    private JsonElement? Operation(string method, string routePattern)
    {
        var path = "/" + routePattern.TrimStart('/');
        if (!openApi.RootElement.GetProperty("paths").TryGetProperty(path, out var item)) return null;
        return item.TryGetProperty(method.ToLowerInvariant(), out var operation) ? operation : null;
    }

    /// <summary>Checks what a finished Alba scenario answered; throws with every violation found.</summary>
    public Task CheckAsync(HttpContext context)
    {
        var body = context.Items.TryGetValue(ResponseRecorder.BodyKey, out var recorded) ? (string)recorded! : "";
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var violations = Violations(context.Request.Method, route, context.Response.StatusCode,
            context.Response.ContentType, body);
        return violations.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException("The response breaks the API's contract:" + Environment.NewLine +
                                                  string.Join(Environment.NewLine, violations));
    }
}

/// <summary>
/// Keeps a copy of each response body in <see cref="HttpContext.Items"/>, outermost in the pipeline (so after the
/// exception handler and status code pages have written theirs): the test server's response stream cannot be read
/// twice, and the contract check needs the body as the client gets it.
/// </summary>
public sealed class ResponseRecorder : IStartupFilter
{
    public const string BodyKey = "test-response-body";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var original = context.Response.Body;
            using var copy = new MemoryStream();
            context.Response.Body = copy;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                context.Response.Body = original;
                context.Items[BodyKey] = Encoding.UTF8.GetString(copy.GetBuffer(), 0, (int)copy.Length);
                copy.Position = 0;
                await copy.CopyToAsync(original);
            }
        });
        next(app);
    };
}
