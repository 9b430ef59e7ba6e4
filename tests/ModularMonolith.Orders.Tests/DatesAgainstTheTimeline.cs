using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests;

/// <summary>A date a client sends is judged against the order's own timeline, not only the calendar.</summary>
[Collection(OrdersCollection.Name)]
public sealed class DatesAgainstTheTimeline(OrdersApp app)
{
    [Fact]
    public async Task A_delivery_dated_before_the_shipment_is_a_409_naming_the_shipment_day_and_writes_nothing()
    {
        var customer = await app.FundedAccountAsync(10m);
        var cart = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, cart);
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{cart}/shipment");
        var shippedOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var events = await app.CountRowsAsync("orders.mt_events where type <> 'tombstone'");

        foreach (var day in new[] { "1999-01-01", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd") })
        {
            var refused = await app.Call(app.AdminToken(), "POST", $"/api/orders/{cart}/delivery", new { deliveredOn = day }, 409);
            refused.GetProperty("detail").GetString().ShouldBe($"order {cart} shipped on {shippedOn}: it cannot have been delivered on {day}.");
            refused.GetProperty("shippedOn").GetString().ShouldBe(shippedOn);
        }

        (await app.CountRowsAsync("orders.mt_events where type <> 'tombstone'")).ShouldBe(events);
        (await app.StatusAsync(cart)).ShouldBe("shipped");
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{cart}/delivery", new { deliveredOn = shippedOn });
        (await app.StatusAsync(cart)).ShouldBe("completed");
    }
}
