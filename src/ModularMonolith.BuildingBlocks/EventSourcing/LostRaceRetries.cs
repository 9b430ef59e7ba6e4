using System.Diagnostics;
using System.Diagnostics.Metrics;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularMonolith.BuildingBlocks.Observability;
using Npgsql;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>
/// A write that loses a race at commit, when its client sent no <c>If-Match</c>, is run again by the server instead of
/// being answered 409 (docs/adr/0010). The whole Wolverine endpoint runs again — a fresh session, a fresh outbox, a
/// fresh Idempotency-Key claim, all in one new transaction — so a retried request commits and is recorded once, as any
/// request is. A retry reads the stream under a row lock (<see cref="IsRetry"/>: <see cref="AggregateWrites"/> then
/// uses FetchForExclusiveWriting), so the retries of one stream queue up rather than race again; optimistic writers
/// that meet the lock at commit lose, and are retried in turn. Only requests that went through
/// <see cref="AggregateWrites"/> are retried: their decision is a pure function of the state they read.
/// </summary>
public static class LostRaceRetries
{
    public const int MaxAttempts = 3;
    public const string CounterName = "modularmonolith.write.retries";

    private static readonly Counter<long> Retries = EventAppends.Meter.CreateCounter<long>(CounterName, "{retry}",
        "Writes run again by the server after losing a race at commit, by aggregate kind");

    private static readonly object AggregateKey = new();
    private static readonly object RetryKey = new();

    /// <summary>Called by <see cref="AggregateWrites"/>: this request writes one aggregate of this kind, and may be retried.</summary>
    internal static void MarkRetryable(HttpContext http, string aggregate) => http.Items[AggregateKey] = aggregate;

    /// <summary>Is this attempt a retry of a lost race? Then the stream is read under a row lock.</summary>
    internal static bool IsRetry(HttpContext http) => http.Items.ContainsKey(RetryKey);

    /// <summary>Just before the endpoints: after authorization and the body checks, which need not run twice.</summary>
    public static IApplicationBuilder UseLostRaceRetries(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ||
            HttpMethods.IsOptions(request.Method) || request.Headers.IfMatch.Count > 0)
        {
            await next(context);
            return;
        }

        // A retry must read the same body again from its start, and answer with only what it set itself. What was
        // there before the first attempt is copied only when there is something (usually nothing): this runs on
        // every write, and a retry is rare.
        request.EnableBuffering();
        var headers = context.Response.Headers.Count == 0 ? [] : context.Response.Headers.ToArray();
        var items = context.Items.Count == 0 ? [] : context.Items.Keys.ToArray();

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsLostRace(e) && !context.Response.HasStarted &&
                                      request.Body.CanSeek && context.Items[AggregateKey] is string aggregate)
            {
                Retries.Add(1, new TagList { { "aggregate", aggregate } });
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LostRaceRetries))
                    .LogInformation("{Method} {Path} lost a race on its {Aggregate} at commit; retrying (attempt {Attempt} of {MaxAttempts})",
                        request.Method, request.Path, aggregate, attempt + 1, MaxAttempts);

                // Small random jitter, so that losers do not meet again in the same millisecond.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), context.RequestAborted);

                request.Body.Position = 0;
                context.Response.Clear();
                foreach (var (name, value) in headers) context.Response.Headers[name] = value;
                foreach (var key in context.Items.Keys.Where(k => !items.Contains(k)).ToList()) context.Items.Remove(key);
                context.Items[RetryKey] = true;
            }
        }
    });

    /// <summary>
    /// A version check that failed at commit, or the database breaking a lock cycle (two retries' locks meeting an
    /// optimistic commit's): nothing was written, and the request can be decided again on what is there now.
    /// </summary>
    private static bool IsLostRace(Exception exception) => exception switch
    {
        ConcurrencyException or ConcurrentUpdateException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsLostRace),
        _ => Find<PostgresException>(exception) is { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }
    };

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }
}
