using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Observing;

/// <summary>The metrics an operator reads, produced by a real checkout.</summary>
[Collection(OrdersCollection.Name)]
public sealed class MeasuringTheFlow(OrdersApp app)
{
    [Fact]
    public async Task A_checkout_produces_http_message_event_append_and_projection_lag_metrics()
    {
        var customer = await app.FundedAccountAsync(10m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));
        await app.WaitForAsyncProjectionsAsync();

        var metrics = app.Telemetry.CollectMetrics(app.Host.Services).GroupBy(m => m.Name)
            .ToDictionary(g => g.Key, g => g.SelectMany(Telemetry.Points).ToList());
        string Names() => string.Join(", ", metrics.Keys.Order());

        metrics.ShouldContainKey("http.server.request.duration", Names());
        metrics.ShouldContainKey("wolverine-messages-succeeded", Names());
        metrics.ShouldContainKey("wolverine-execution-time", Names());
        metrics["wolverine-messages-succeeded"].ShouldContain(p =>
            p.Tags["message.type"]!.ToString()!.EndsWith("DebitAccountForOrder") && p.Value >= 1);

        var appended = metrics["modularmonolith.events.appended"];
        foreach (var (module, eventType) in new[] { ("cart", "cart_checked_out"), ("orders", "order_placed"), ("accounts", "order_payment_debited") })
            appended.ShouldContain(p => (string)p.Tags["module"]! == module && ((string)p.Tags["event_type"]!).Contains(eventType)
                                        && p.Value >= 1, $"{module}/{eventType}: {string.Join("; ", appended.Select(p => string.Join(",", p.Tags.Values)))}");

        var lag = metrics["modularmonolith.projection.lag"];
        lag.Select(p => $"{p.Tags["module"]}/{p.Tags["shard"]}").ShouldBe(
            ["accounts/AccountStatement:All", "cart/ProductPerformance:All", "orders/CustomerOrderHistory:All", "orders/DailySales:V2:All"],
            ignoreOrder: true);
        metrics.ShouldContainKey("modularmonolith.projection.lag_seconds", Names());
    }

    [Fact]
    public async Task Prometheus_scrapes_the_same_metrics_at_slash_metrics_without_a_token()
    {
        var customer = await app.FundedAccountAsync(10m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));

        var response = await app.Host.Server.CreateClient().GetAsync("/metrics");

        response.IsSuccessStatusCode.ShouldBeTrue();
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("modularmonolith_events_appended");
        text.ShouldContain("modularmonolith_projection_lag");
        text.ShouldContain("wolverine_messages_succeeded");
        text.ShouldContain("http_server_request_duration_seconds");
        // The runtime's meter: what an operator reads memory and GC from.
        text.ShouldContain("dotnet_gc_last_collection_heap_size_bytes");
        text.ShouldContain("dotnet_process_memory_working_set_bytes");
        text.ShouldContain("service_name=\"ModularMonolith\"");
    }
}
