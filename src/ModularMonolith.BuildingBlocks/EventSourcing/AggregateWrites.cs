using JasperFx.Events;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>
/// The shape of every HTTP write on an existing aggregate, in every module: the stream must exist (404), belong to
/// the caller or the caller be an admin (403), and be at the version <c>If-Match</c> names (412); then the use case
/// decides, its events are appended, and the answer carries the new state and its new ETag. Marten checks the
/// version again at commit, so a writer that slips in between is caught there: 412 with If-Match; without it the
/// request is run again (<see cref="LostRaceRetries"/>, reading under a row lock then), and only a broken rule is a 409.
/// Wolverine commits the session after the endpoint returns (AutoApplyTransactions).
/// </summary>
public static class AggregateWrites
{
    public static Task<(T State, long Version)> DecideAsync<T>(this IDocumentSession session, Guid id,
        HttpContext http, string what, Func<T, Guid> ownerOf, Func<T, object[]> decide, Func<T, object, T> evolve,
        CancellationToken cancellation) where T : class =>
        session.DecideAsync<T, bool>(id, http, what, ownerOf, _ => Task.FromResult(true), (state, _) => decide(state),
            evolve, cancellation);

    /// <summary>
    /// As above, for a decision that also needs a document besides the aggregate (a catalog entry): it is read in the
    /// same round trip as the aggregate, on the session's one connection (docs/adr/0012).
    /// </summary>
    public static async Task<(T State, long Version)> DecideAsync<T, TRead>(this IDocumentSession session, Guid id,
        HttpContext http, string what, Func<T, Guid> ownerOf, Func<IBatchedQuery, Task<TRead>> alsoRead,
        Func<T, TRead, object[]> decide, Func<T, object, T> evolve, CancellationToken cancellation) where T : class
    {
        if (!ETags.TryReadIfMatch(http.Request, out var expectedVersion, out var error))
            throw RequestRefused.Invalid("If-Match", error!);

        // Marten refuses an empty Guid as a stream id; no aggregate can have it, so it is simply unknown.
        if (id == Guid.Empty) throw RequestRefused.NotFound(what, id);
        LostRaceRetries.MarkRetryable(http, what);
        var batch = session.CreateBatchQuery();
        var fetching = LostRaceRetries.IsRetry(http)
            ? batch.Events.FetchForExclusiveWriting<T>(id)
            : batch.Events.FetchForWriting<T>(id);
        var reading = alsoRead(batch);
        await batch.Execute(cancellation);
        var stream = await fetching;
        var read = await reading;

        var current = stream.Aggregate ?? throw RequestRefused.NotFound(what, id);
        Caller.From(http.User).EnsureMayActFor(ownerOf(current), what);

        var version = stream.CurrentVersion ?? 0;
        if (expectedVersion is { } expected && expected != version)
            throw RequestRefused.Stale(what, expected, version);

        var events = decide(current, read);
        if (events.Length > 0) stream.AppendMany(events);

        var newVersion = version + events.Length;
        ETags.Write(http.Response, newVersion);
        return (events.Aggregate(current, evolve), newVersion);
    }
}
