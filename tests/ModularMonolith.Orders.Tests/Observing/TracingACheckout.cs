using System.Diagnostics;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Observing;

/// <summary>One checkout, followed across the three modules by its OpenTelemetry spans.</summary>
[Collection(OrdersCollection.Name)]
public sealed class TracingACheckout(OrdersApp app)
{
    [Fact]
    public async Task One_checkout_is_one_trace_from_the_http_request_through_every_modules_handler()
    {
        var customer = await app.FundedAccountAsync(10m);
        var cart = await app.SeedsCartAsync(customer);

        await app.CheckOutAsync(customer, cart);

        // Spans are exported when they end, and a handler's span can end after the tracked session has seen its
        // work done: wait for each one rather than read what has ended so far.
        var request = await app.Telemetry.SpanAsync(s => s.Kind == ActivityKind.Server &&
                                                         s.GetTagItem("url.path") as string == $"/api/carts/{cart}/checkout");
        // Wolverine names a handler's span after the message type; each is a child in the request's trace.
        foreach (var message in new[] { "CartCheckoutCompleted", "DebitAccountForOrder", "AccountDebitedForOrder" })
            await app.Telemetry.SpanAsync(s => s.TraceId == request.TraceId && s.Source.Name == "Wolverine" &&
                                               s.DisplayName.EndsWith(message) && s.Kind == ActivityKind.Internal);
        var trace = app.Telemetry.Trace(request.TraceId);
        string Describe() => string.Join("\n", trace.Select(s => $"{s.Source.Name} {s.DisplayName} {s.Kind}"));

        trace.ShouldContain(s => s.Source.Name == "Wolverine" && s.Kind == ActivityKind.Producer, Describe());
        trace.ShouldContain(s => s.Source.Name == "Npgsql", "database calls belong to the trace too");
        trace.Where(s => s != request).ShouldAllBe(s => s.ParentSpanId != default);
    }
}
