using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Reports;

/// <summary>
/// The customer's order history keeps counts by status, not a status per order: its document must not grow with the
/// customer's orders (#13), and the counts must still follow every order through its life.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class CustomerOrderHistories(OrdersApp app)
{
    [Fact]
    public async Task The_history_counts_each_status_and_its_document_names_only_the_last_order()
    {
        var customer = await app.FundedAccountAsync(20m);
        var completed = await PaidOrderAsync(customer);
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{completed}/shipment");
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{completed}/delivery",
            new { deliveredOn = DateOnly.FromDateTime(DateTime.UtcNow) });
        var cancelledAfterPaying = await PaidOrderAsync(customer);
        await app.Tracked(() => app.Call(app.CustomerToken(customer), "POST", $"/api/orders/{cancelledAfterPaying}/cancellation"));
        var paid = await PaidOrderAsync(customer);

        await app.WaitForAsyncProjectionsAsync();
        var history = await app.Call(app.CustomerToken(customer), "GET", $"/api/customers/{customer}/order-history");
        history.GetProperty("orderCount").GetInt32().ShouldBe(3);
        history.GetProperty("totalSpent").GetDecimal().ShouldBe(3.90m * 2);
        history.GetProperty("lastOrderId").GetGuid().ShouldBe(paid);
        var byStatus = history.GetProperty("ordersByStatus");
        byStatus.EnumerateObject().Select(s => (s.Name, s.Value.GetInt32())).OrderBy(s => s.Name)
            .ShouldBe([("cancelled", 1), ("completed", 1), ("paid", 1)]);

        var stored = await StoredAsync(customer);
        stored.ShouldContain(paid.ToString());
        stored.ShouldNotContain(completed.ToString());
        stored.ShouldNotContain(cancelledAfterPaying.ToString());
    }

    [Fact]
    public async Task A_history_stored_with_a_status_per_order_reads_as_before_and_drops_the_map_at_its_next_write()
    {
        var customer = await app.FundedAccountAsync(10m);
        var first = await PaidOrderAsync(customer);
        await app.WaitForAsyncProjectionsAsync();
        // The shape written before: the status of every order beside the counts.
        await ExecuteAsync("update orders.mt_doc_customerorderhistory " +
                           "set data = data || jsonb_build_object('statusOfOrder', jsonb_build_object(@order::text, 'Paid')) " +
                           "where id = @customer", customer, first);
        (await StoredAsync(customer)).ShouldContain(first.ToString());

        var second = await PaidOrderAsync(customer);
        await app.WaitForAsyncProjectionsAsync();
        var history = await app.Call(app.CustomerToken(customer), "GET", $"/api/customers/{customer}/order-history");
        history.GetProperty("orderCount").GetInt32().ShouldBe(2);
        history.GetProperty("ordersByStatus").GetProperty("paid").GetInt32().ShouldBe(2);
        (await StoredAsync(customer)).ShouldNotContain(first.ToString());
        history.GetProperty("lastOrderId").GetGuid().ShouldBe(second);
    }

    private async Task<Guid> PaidOrderAsync(Guid customer)
    {
        var cart = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, cart);
        (await app.StatusAsync(cart)).ShouldBe("paid");
        return cart;
    }

    private async Task<string> StoredAsync(Guid customer)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select data::text from orders.mt_doc_customerorderhistory where id = @customer", connection);
        command.Parameters.AddWithValue("customer", customer);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, Guid customer, Guid order)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("customer", customer);
        command.Parameters.AddWithValue("order", order);
        await command.ExecuteNonQueryAsync();
    }
}
