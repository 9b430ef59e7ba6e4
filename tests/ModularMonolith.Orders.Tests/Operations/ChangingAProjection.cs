using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// DailySales version 2 (refunds counted) is a new projection version in Marten's sense: its own table and progress
/// row, so it can build beside version 1. The several-node side of the change (blue nodes on version 1, a green node
/// building version 2 under load, then the switch) is eng/checks/blue-green.py.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class ChangingAProjection(OrdersApp app)
{
    [Fact]
    public async Task Version_2_of_daily_sales_counts_the_refund_of_a_cancelled_paid_order_in_its_own_table()
    {
        var customer = await app.FundedAccountAsync(10m);
        var cart = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, cart);
        await app.Tracked(() => app.Call(app.CustomerToken(customer), "POST", $"/api/orders/{cart}/cancellation"));
        await app.WaitForAsyncProjectionsAsync();

        var order = await app.Call(app.AdminToken(), "GET", $"/api/orders/{cart}");
        var mango = order.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("sku").GetString()!).Single(s => s.StartsWith("mango-"));
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var sales = (await app.Call(app.AdminToken(), "GET", $"/api/reports/sales?from={day}&to={day}"))[0]
            .GetProperty("skus").GetProperty(mango);

        sales.GetProperty("unitsSold").GetInt32().ShouldBe(1);
        sales.GetProperty("revenue").GetDecimal().ShouldBe(2.00m);
        sales.GetProperty("unitsRefunded").GetInt32().ShouldBe(1);
        sales.GetProperty("refundedRevenue").GetDecimal().ShouldBe(2.00m);
        sales.GetProperty("netRevenue").GetDecimal().ShouldBe(0m);

        (await app.CountRowsAsync("orders.mt_doc_dailysales_2")).ShouldBeGreaterThan(0);
        (await app.CountRowsAsync("orders.mt_event_progression where name = 'DailySales:V2:All'")).ShouldBe(1);
        (await app.CountRowsAsync("orders.mt_event_progression where name = 'DailySales:All'")).ShouldBe(0);
    }
}
