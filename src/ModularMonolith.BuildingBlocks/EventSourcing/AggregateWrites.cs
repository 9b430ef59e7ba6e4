using Marten;
using JasperFx.Events;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>
/// How every HTTP write on an existing aggregate starts: read <c>If-Match</c>, fetch the stream for writing with that
/// expected version (Marten checks it now and again at commit), and refuse unknown ids.
/// </summary>
public static class AggregateWrites
{
    public static async Task<IEventStream<T>> FetchForWritingAsync<T>(this IDocumentSession session, Guid id,
        HttpRequest request, string what, CancellationToken cancellation) where T : class
    {
        if (!ETags.TryReadIfMatch(request, out var expectedVersion, out var error))
            throw RequestRefused.Invalid("If-Match", error!);

        var stream = expectedVersion is { } version
            ? await FetchExpectingAsync<T>(session, id, version, cancellation) ?? throw RequestRefused.NotFound(what, id)
            : await session.Events.FetchForWriting<T>(id, cancellation);

        return stream.Aggregate is null ? throw RequestRefused.NotFound(what, id) : stream;
    }

    private static async Task<IEventStream<T>?> FetchExpectingAsync<T>(IDocumentSession session, Guid id, long version,
        CancellationToken cancellation) where T : class
    {
        try
        {
            return await session.Events.FetchForWriting<T>(id, version, cancellation);
        }
        catch (JasperFx.ConcurrencyException)
        {
            // An If-Match on a stream that does not exist names an unknown id, not a stale version.
            if (await session.Events.FetchStreamStateAsync(id, cancellation) is null) return null;
            throw;
        }
    }

    /// <summary>The version the stream will have once the events appended in this session commit: the new ETag.</summary>
    public static void WriteETag<T>(this IEventStream<T> stream, HttpResponse response) where T : class =>
        ETags.Write(response, stream.CurrentVersion ?? 0);
}
