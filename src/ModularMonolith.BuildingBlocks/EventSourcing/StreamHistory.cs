using System.Globalization;
using System.Text.RegularExpressions;
using JasperFx.Events;
using Marten;
using Marten.Events.Archiving;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>A point in a stream's history: a version, an instant, or now.</summary>
public sealed partial record PointInTime(long? Version, DateTimeOffset? AsOf)
{
    /// <summary>An instant must say its offset: a local time without one would mean different things to different servers.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoInstant();

    public static readonly PointInTime Now = new(null, null);

    public bool IsNow => Version is null && AsOf is null;

    /// <summary>Reads <c>?version=N</c> or <c>?asOf=&lt;ISO-8601 instant with offset&gt;</c>; both at once, or garbage, is a 400.</summary>
    public static PointInTime Parse(string? version, string? asOf)
    {
        if (version is not null && asOf is not null)
            throw RequestRefused.Invalid("version", "Ask for a version or an instant (asOf), not both.");

        if (version is not null)
            return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? new PointInTime(v, null)
                : throw RequestRefused.Invalid("version", "version must be a positive whole number.");

        if (asOf is not null)
            return IsoInstant().IsMatch(asOf) &&
                   DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? new PointInTime(null, at)
                : throw RequestRefused.Invalid("asOf", "asOf must be an ISO-8601 instant with its offset, e.g. 2026-11-23T09:30:00Z.");

        return Now;
    }
}

/// <summary>One event as the audit trail shows it.</summary>
public sealed record AuditEntry(long Version, long Sequence, DateTimeOffset Timestamp, string Type, object Data);

public sealed record AuditPage(Guid StreamId, int Page, int PageSize, long TotalEvents, IReadOnlyList<AuditEntry> Events);

/// <summary>
/// The two reads every event-sourced module offers over its streams, written once: the aggregate as it was at a
/// past version or instant (a live fold of the stream up to that point), and the stream's history, page by page.
/// </summary>
public static class StreamHistory
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// What a read endpoint answers for <paramref name="point"/>: now, the inline snapshot document <typeparamref name="T"/>
    /// (read-your-writes, no fold); in the past, the aggregate folded live up to that point by Marten. Each way the
    /// aggregate can be missing gets its own 404: no such <paramref name="what"/> at all, no such version of it (the
    /// version is beyond its latest), or not yet in existence at the asked instant. <paramref name="authorize"/> sees
    /// the aggregate as it is now and runs before anything about its past is told, so a stranger learns nothing
    /// about someone else's history, not even how long it is.
    /// </summary>
    public static async Task<T> LoadAtAsync<T>(this IQuerySession session, Guid streamId, PointInTime point,
        string what, Action<T> authorize, CancellationToken cancellation) where T : class
    {
        var now = await session.LoadAsync<T>(streamId, cancellation)
                  // Time travel reads the events, not the snapshot: a stream whose snapshot was never written (events
                  // from an older release) still has a past, and its present is folded to check ownership.
                  ?? (point.IsNow ? null : await session.Events.AggregateStreamAsync<T>(streamId, token: cancellation))
                  ?? throw RequestRefused.NotFound(what, streamId);
        authorize(now);
        if (point.IsNow) return now;

        var stream = await session.Events.FetchStreamStateAsync(streamId, cancellation)
                     ?? throw RequestRefused.NotFound(what, streamId);
        if (point.Version is { } version && version > stream.Version)
            throw new RequestRefused(StatusCodes.Status404NotFound, "No such version.",
                $"{what} {streamId} has no version {version}; its latest version is {stream.Version}.", "version");

        return await session.Events.AggregateStreamAsync<T>(streamId, point.Version ?? 0, point.AsOf, token: cancellation)
               ?? throw new RequestRefused(StatusCodes.Status404NotFound, $"The {what} did not exist yet.",
                   $"{what} {streamId} did not exist yet at {point.AsOf:O}; its history starts at {stream.Created:O}.", "asOf");
    }

    public static (int Page, int PageSize) ParsePaging(string? page, string? pageSize, int defaultPageSize = 50)
    {
        var p = 1;
        var size = defaultPageSize;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p < 1))
            throw RequestRefused.Invalid("page", "page must be a whole number from 1.");
        if (pageSize is not null &&
            (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
            throw RequestRefused.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
        return (p, size);
    }

    /// <summary>One page of a stream's events in order, with the total; null when the stream does not exist.</summary>
    public static async Task<AuditPage?> AuditTrailAsync(this IQuerySession session, Guid streamId, int page,
        int pageSize, CancellationToken cancellation)
    {
        var state = await session.Events.FetchStreamStateAsync(streamId, cancellation);
        if (state is null) return null;

        var from = (long)(page - 1) * pageSize + 1;
        var to = from + pageSize - 1;
        var events = await session.Events.QueryAllRawEvents()
            // Archived streams keep their history: the audit trail includes archived events.
            .Where(e => e.StreamId == streamId && e.Version >= from && e.Version <= to && e.MaybeArchived())
            .OrderBy(e => e.Version)
            .ToListAsync(cancellation);

        var entries = events
            .Select(e => new AuditEntry(e.Version, e.Sequence, e.Timestamp, e.EventTypeName, e.Data))
            .ToList();
        return new AuditPage(streamId, page, pageSize, state.Version, entries);
    }
}
