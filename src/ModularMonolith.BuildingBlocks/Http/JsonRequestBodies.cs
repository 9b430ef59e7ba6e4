using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// One rule for every endpoint's request body, applied after routing and authorization and before the endpoint runs,
/// so a refused request writes nothing:
/// <list type="bullet">
/// <item>an endpoint that reads a body (ASP.NET's <see cref="IAcceptsMetadata"/>, which Wolverine sets from the
/// endpoint's request type) needs one, declared as JSON (<c>application/json</c>, UTF-8 if a charset is given),
/// else 415; the body is read here with the API's own JSON options, and a body that does not fit becomes a
/// <see cref="JsonException"/> for <see cref="ProblemDetailsExceptionHandler"/> (a 400 naming the field);</item>
/// <item>an endpoint that takes no body refuses one (400): a client sending one is confused about what it calls.</item>
/// </list>
/// Left to itself Wolverine reads a body sent without Content-Type, ignores a body sent to an endpoint without a
/// request type, and answers an unreadable body itself, with .NET type names, logged as an error with its stack.
/// </summary>
public static class JsonRequestBodies
{
    public static IApplicationBuilder UseJsonRequestBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // No endpoint, or one routing made to refuse the request (405, 415: no metadata): theirs to answer.
        if (context.GetEndpoint() is not { Metadata.Count: > 0 } endpoint)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        // An HTML form endpoint (the admin console's, not the API) declares form content types only: ASP.NET binds its
        // body, and its antiforgery check runs, as for any form.
        if (accepts is { ContentTypes.Count: > 0 } && !accepts.ContentTypes.Any(IsJson))
        {
            await next(context);
            return;
        }

        var bodyType = accepts?.RequestType;
        if (bodyType is null)
        {
            if (await CarriesBodyAsync(request))
                throw RequestRefused.Invalid(JsonBodyErrors.BodyField, "This endpoint takes no request body; send none.");
            await next(context);
            return;
        }

        if (!await CarriesBodyAsync(request))
            throw RequestRefused.Invalid(JsonBodyErrors.BodyField, "A JSON request body is required.");
        if (!IsJson(request.ContentType))
            throw new BadHttpRequestException(NotJson(request.ContentType), StatusCodes.Status415UnsupportedMediaType);

        // Read once here (buffered, so the endpoint and the Idempotency-Key fingerprint read it again from the start):
        // a body that does not fit its type throws before the endpoint runs.
        request.EnableBuffering();
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await JsonSerializer.DeserializeAsync(request.Body, bodyType, options, context.RequestAborted);
        request.Body.Position = 0;

        await next(context);
    });

    public const string NotJsonTitle = "The request body must be JSON.";

    /// <summary>The detail of every 415, whether this middleware refuses the body or routing does (its endpoints accept JSON only).</summary>
    public static string NotJson(string? contentType) =>
        "The request body must be declared as JSON: Content-Type: application/json (charset utf-8, if any); " +
        $"it was {(string.IsNullOrEmpty(contentType) ? "missing" : $"'{contentType}'")}.";

    /// <summary>
    /// Whether the request has a body: Content-Length says so, or the server knows there is none (Kestrel, for a request
    /// without Content-Length or chunked encoding); otherwise one byte is peeked (buffered, then rewound).
    /// </summary>
    public static async Task<bool> CarriesBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is { } length) return length > 0;
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return false;

        request.EnableBuffering();
        var read = await request.Body.ReadAsync(new byte[1], request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return read > 0;
    }

    /// <summary>
    /// <c>application/json</c>, with no charset or UTF-8 (RFC 8259). Not the <c>application/*+json</c> types: Wolverine
    /// declares its endpoints as accepting <c>application/json</c>, so routing refuses those with a 415 before this runs,
    /// and one rule stated twice would be two rules.
    /// </summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase) &&
        (media.Charset.Value is null or "" || media.Charset.Value.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
