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

        var request = app.Telemetry.Spans.Single(s => s.Kind == ActivityKind.Server &&
                                                      s.GetTagItem("url.path") as string == $"/api/carts/{cart}/checkout");
        var trace = app.Telemetry.Trace(request.TraceId);
        string Describe() => string.Join("\n", trace.Select(s => $"{s.Source.Name} {s.DisplayName} {s.Kind}"));

        // Wolverine names a handler's span after the message type; each is a child in the request's trace.
        foreach (var message in new[] { "CartCheckoutCompleted", "DebitAccountForOrder", "AccountDebitedForOrder" })
            trace.ShouldContain(s => s.Source.Name == "Wolverine" && s.DisplayName.EndsWith(message) &&
                                     s.Kind == ActivityKind.Internal, $"no handler span for {message} in:\n{Describe()}");
        trace.ShouldContain(s => s.Source.Name == "Wolverine" && s.Kind == ActivityKind.Producer, Describe());
        trace.ShouldContain(s => s.Source.Name == "Npgsql", "database calls belong to the trace too");
        trace.Where(s => s != request).ShouldAllBe(s => s.ParentSpanId != default);
    }
}
