using System.Collections.Concurrent;
using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// A module store traces a database call only for a caller that is traced itself (#13, DatabaseSpans): the daemon's
/// polling runs with no activity and made a one-span trace, with its SQL text, several times a second. The Orders store
/// here is wired exactly as in production (the Cart store of this fixture is the one DatabaseCalls observes).
/// </summary>
[Collection(CartCollection.Name)]
public sealed class DatabaseSpansOnlyForTracedWork(CartApp app)
{
    [Fact]
    public async Task A_query_outside_any_trace_or_in_the_daemons_makes_no_span_and_the_same_query_inside_a_trace_makes_one_under_it()
    {
        var store = app.Host.Services.GetRequiredService<Orders.IOrdersStore>();
        var marker = Guid.NewGuid().ToString("N");
        var sql = $"select 1 where '{marker}' = '{marker}'";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((activity.GetTagItem("db.query.text") as string ?? "").Contains(marker)) spans.Enqueue(activity);
            }
        };
        ActivitySource.AddActivityListener(listener);

        Activity.Current = null;
        await using (var session = store.QuerySession())
            (await session.QueryAsync<int>(sql)).ShouldBe([1]);
        spans.ShouldBeEmpty("a call nobody traces (the daemon's polling) starts no trace of its own");

        using (var daemon = new ActivitySource("Marten").StartActivity("marten.daemon.highwatermark"))
        {
            daemon.ShouldNotBeNull("the host's OpenTelemetry listens to Marten's spans");
            await using var session = store.QuerySession();
            (await session.QueryAsync<int>(sql)).ShouldBe([1]);
        }
        spans.ShouldBeEmpty("the daemon's own traces carry its Marten spans, not a span per polling query");

        using (var request = new Activity("traced caller").Start())
        {
            await using var session = store.QuerySession();
            (await session.QueryAsync<int>(sql)).ShouldBe([1]);
            var span = spans.ShouldHaveSingleItem();
            span.ParentSpanId.ShouldBe(request.SpanId);
            span.TraceId.ShouldBe(request.TraceId);
        }
    }
}
