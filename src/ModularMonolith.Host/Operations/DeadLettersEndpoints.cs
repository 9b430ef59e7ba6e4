using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;

namespace ModularMonolith.Host.Operations;

public sealed record DeadLetterIds([Required] Guid[]? Ids);

/// <summary>
/// Admin endpoints over Wolverine's dead-letter storage. Wolverine.Http's own <c>MapDeadLettersEndpoints()</c> queries
/// with a POST body, has no "show one", answers an unknown id with success and sits outside Wolverine's endpoint
/// policies; these keep the project's conventions (GET with query filters, 404, 400 ProblemDetails naming the field,
/// admin policy) over the same Wolverine API (docs/adr/0009).
/// </summary>
public static class DeadLettersEndpoints
{
    /// <summary>Dead letters, newest first; filters: messageType (Wolverine's name), module, exceptionType, from, until (ISO 8601), limit.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/admin/dead-letters", OperationId = "ListDeadLetters")]
    [ProducesResponseType<DeadLetterList>(StatusCodes.Status200OK)]
    public static Task<DeadLetterList> List(DeadLetterReader reader, string? messageType, string? module,
        string? exceptionType, string? from, string? until, string? limit, CancellationToken cancellation) =>
        reader.ListAsync(new DeadLetterFilter(Blank(messageType), Blank(module)?.ToLowerInvariant(), Blank(exceptionType),
            Time("from", from), Time("until", until), Limit(limit)), cancellation);

    /// <summary>One dead letter: the message body, the exception, the attempts and the envelope's headers.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/admin/dead-letters/{id}", OperationId = "GetDeadLetter")]
    [ProducesResponseType<DeadLetterDetail>(StatusCodes.Status200OK)]
    public static async Task<DeadLetterDetail> Get(Guid id, DeadLetterReader reader, CancellationToken cancellation) =>
        await reader.FindAsync(id, cancellation) ?? throw RequestRefused.NotFound("dead letter", id);

    /// <summary>Sends the named dead letters back to their handlers (Wolverine's durability agent picks them up within seconds).</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePost("/api/admin/dead-letters/replay", OperationId = "ReplayDeadLetters")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    public static async Task<IResult> Replay(DeadLetterIds request, DeadLetterReader reader, CancellationToken cancellation)
    {
        await reader.ReplayAsync(request.Ids ?? [], cancellation);
        return Results.Accepted();
    }

    /// <summary>Deletes the named dead letters for good.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePost("/api/admin/dead-letters/discard", OperationId = "DiscardDeadLetters")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Discard(DeadLetterIds request, DeadLetterReader reader, CancellationToken cancellation)
    {
        await reader.DiscardAsync(request.Ids ?? [], cancellation);
        return Results.NoContent();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Read as text: an int parameter would bind "abc" as no limit at all (Wolverine's default), not a 400.</summary>
    private static int Limit(string? value) =>
        Blank(value) is not { } text ? DeadLetterFilter.DefaultLimit
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit
        : throw RequestRefused.Invalid("limit", $"limit must be a whole number from 1 to {DeadLetterFilter.MaxLimit}.");

    private static DateTimeOffset? Time(string field, string? value) =>
        Blank(value) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw RequestRefused.Invalid(field, $"{field} must be a date and time in ISO 8601, e.g. 2026-01-31T12:00:00Z.");
}
