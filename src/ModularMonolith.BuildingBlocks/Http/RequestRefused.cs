using Microsoft.AspNetCore.Http;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// A request refused before any decision is taken: not yours (403), no such thing (404), or a request that cannot be
/// understood (400). Thrown by the shared helpers so endpoints stay short; turned into ProblemDetails in one place.
/// </summary>
public sealed class RequestRefused(int status, string title, string detail, string? field = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Field { get; } = field;

    public static RequestRefused NotFound(string what, Guid id) =>
        new(StatusCodes.Status404NotFound, $"No such {what}.", $"There is no {what} {id}.");

    public static RequestRefused NotYours(string what) =>
        new(StatusCodes.Status403Forbidden, $"This {what} is not yours.", $"Only its owner or an admin may use this {what}.");

    public static RequestRefused Stale(string what, long expected, long current) =>
        new(StatusCodes.Status412PreconditionFailed, $"The {what} has changed.",
            $"If-Match names version {expected}, but the {what} is at version {current}; read it again for its ETag.");

    public static RequestRefused Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", message, field);
}
