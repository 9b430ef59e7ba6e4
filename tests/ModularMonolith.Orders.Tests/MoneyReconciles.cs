using System.Text.Json;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests;

[Collection(OrdersCollection.Name)]
public sealed class MoneyReconciles(OrdersApp app)
{
    [Fact]
    public async Task After_a_burst_of_concurrent_checkouts_and_cancellations_every_cent_is_accounted_for()
    {
        // Twelve customers; every third cannot afford the 3.90 cart.
        var customers = new List<(Guid Account, Guid Cart)>();
        for (var i = 0; i < 12; i++)
        {
            var account = await app.FundedAccountAsync(i % 3 == 0 ? 1.50m : 10m + i);
            customers.Add((account, await app.SeedsCartAsync(account)));
        }

        await app.Tracked(() => Task.WhenAll(customers.Select(c =>
            app.Call(app.CustomerToken(c.Account), "POST", $"/api/carts/{c.Cart}/checkout"))));
        // Customers 1 and 2 change their minds after paying.
        await app.Tracked(() => Task.WhenAll(customers.Skip(1).Take(2).Select(c =>
            app.Call(app.CustomerToken(c.Account), "POST", $"/api/orders/{c.Cart}/cancellation"))));

        decimal deposits = 0, debits = 0, refunds = 0, balances = 0;
        foreach (var (account, cart) in customers)
        {
            var events = (await app.Call(app.AdminToken(), "GET", $"/api/accounts/{account}/events?pageSize=200"))
                .GetProperty("events").EnumerateArray().ToList();
            decimal Sum(string type) => events.Where(e => e.GetProperty("type").GetString() == type)
                .Sum(e => e.GetProperty("data").GetProperty("amount").GetDecimal());
            int CountFor(string type) => events.Count(e => e.GetProperty("type").GetString() == type
                && e.GetProperty("data").GetProperty("orderId").GetGuid() == cart);

            deposits += Sum("funds_deposited");
            debits += Sum("order_payment_debited");
            refunds += Sum("order_payment_refunded");
            balances += await app.BalanceAsync(account);

            var order = await app.Call(app.AdminToken(), "GET", $"/api/orders/{cart}");
            var status = order.GetProperty("status").GetString();
            var refunded = order.GetProperty("refunded").GetBoolean();
            if (status is "paid" or "completed" or "shipped") CountFor("order_payment_debited").ShouldBe(1);
            if (status == "cancelled") (CountFor("order_payment_debited") - CountFor("order_payment_refunded")).ShouldBe(0);
            if (refunded) CountFor("order_payment_refunded").ShouldBe(1);
        }

        (deposits - debits + refunds).ShouldBe(balances);
        debits.ShouldBe(8 * 3.90m);
        refunds.ShouldBe(2 * 3.90m);

        await ReportsReconcileAsync(customers, debits, refunds);
    }

    /// <summary>
    /// Every report's money against what was paid and refunded: the sales report's net revenue (gross − discounts −
    /// refunds of what was paid), each customer's total spent, and product performance's net checked-out revenue.
    /// </summary>
    private async Task ReportsReconcileAsync(List<(Guid Account, Guid Cart)> customers, decimal debits, decimal refunds)
    {
        await app.WaitForAsyncProjectionsAsync();
        var skus = new HashSet<string>();
        decimal checkedOut = 0;
        foreach (var (_, cart) in customers)
        {
            var order = await app.Call(app.AdminToken(), "GET", $"/api/orders/{cart}");
            checkedOut += order.GetProperty("total").GetDecimal();
            foreach (var line in order.GetProperty("lines").EnumerateArray()) skus.Add(line.GetProperty("sku").GetString()!);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var sales = (await app.Call(app.AdminToken(), "GET", $"/api/reports/sales?from={today}&to={today}"))[0]
            .GetProperty("skus").EnumerateObject().Where(s => skus.Contains(s.Name)).Select(s => s.Value).ToList();
        decimal Total(string figure) => sales.Sum(s => s.GetProperty(figure).GetDecimal());
        (Total("revenue") - Total("discounts")).ShouldBe(debits);
        (Total("refundedRevenue") - Total("refundedDiscounts")).ShouldBe(refunds);
        Total("netRevenue").ShouldBe(debits - refunds);
        Total("discounts").ShouldBe(8 * 0.10m);

        decimal spent = 0;
        foreach (var (account, _) in customers)
            spent += (await app.Call(app.AdminToken(), "GET", $"/api/customers/{account}/order-history")).GetProperty("totalSpent").GetDecimal();
        spent.ShouldBe(debits - refunds);

        var products = (await app.Call(app.AdminToken(), "GET", "/api/reports/products")).EnumerateArray()
            .Where(p => skus.Contains(p.GetProperty("id").GetString()!)).ToList();
        products.Sum(p => p.GetProperty("netRevenueCheckedOut").GetDecimal()).ShouldBe(checkedOut);
        products.Sum(p => p.GetProperty("discountsCheckedOut").GetDecimal()).ShouldBe(12 * 0.10m);
    }
}
