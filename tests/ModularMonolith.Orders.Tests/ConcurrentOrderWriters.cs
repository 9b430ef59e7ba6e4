using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;
using Wolverine.Tracking;

namespace ModularMonolith.Orders.Tests;

[Collection(OrdersCollection.Name)]
public sealed class ConcurrentOrderWriters(OrdersApp app)
{
    [Fact]
    public async Task Racing_shipments_and_cancellations_leave_one_winner_and_only_200_409_or_412()
    {
        var customer = await app.FundedAccountAsync(10m);
        var order = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, order);

        // Ten writers at once: shipments (admin) and cancellations (the customer), half of them sending the paid
        // order's ETag. Whichever commits first wins; every other one must be told why, never a 500.
        var results = await app.Tracked(async () =>
        {
            var racers = Enumerable.Range(0, 10).Select(i => app.Host.Scenario(s =>
            {
                s.Post.Url(i % 2 == 0 ? $"/api/orders/{order}/shipment" : $"/api/orders/{order}/cancellation");
                s.Bearer(i % 2 == 0 ? app.AdminToken() : app.CustomerToken(customer));
                if (i % 4 < 2) s.WithRequestHeader("If-Match", "\"2\"");
                s.IgnoreStatusCode();
            }));
            var statuses = (await Task.WhenAll(racers)).Select(r => r.Context.Response.StatusCode).ToList();
            statuses.ShouldAllBe(status => status == 200 || status == 409 || status == 412);
            statuses.Count(status => status == 200).ShouldBe(1);
        });

        var summary = await app.Call(app.AdminToken(), "GET", $"/api/orders/{order}");
        var status = summary.GetProperty("status").GetString();
        status.ShouldBeOneOf("shipped", "cancelled");
        summary.GetProperty("version").GetInt32().ShouldBe(status == "shipped" ? 3 : 4, "paid + one winner (+ refund when cancelled)");
        (await app.BalanceAsync(customer)).ShouldBe(status == "shipped" ? 6.10m : 10m);
    }
    [Fact]
    public async Task Many_checkouts_of_one_customer_at_once_are_all_paid()
    {
        // One account, many payments at once: the debits race on the account's stream. A lost race is retried; none
        // may end in the dead letters with its order left unpaid (found by the benchmark's long-history account).
        const int orders = 200;
        var customer = await app.FundedAccountAsync(1000m);
        var carts = new List<Guid>();
        foreach (var chunk in Enumerable.Range(0, orders).Chunk(8))
            carts.AddRange(await Task.WhenAll(chunk.Select(_ => app.SeedsCartAsync(customer))));

        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(120)).DoNotAssertOnExceptionsDetected()
            .ExecuteAndWaitAsync((Func<Wolverine.IMessageContext, Task>)(_ => Task.WhenAll(carts.Select(cart =>
                app.Call(app.CustomerToken(customer), "POST", $"/api/carts/{cart}/checkout")))));

        foreach (var order in carts) (await app.StatusAsync(order)).ShouldBe("paid", $"order {order}");
        (await app.BalanceAsync(customer)).ShouldBe(1000m - orders * 3.90m);
    }
}
