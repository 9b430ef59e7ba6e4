using System.Text.Json;
using Alba;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// The async ProductPerformance report keeps the documents it builds in memory between the daemon's batches
/// (AsyncReports.KeepRecentAggregates, docs/adr/0021): a batch applies its events to the aggregate the previous batch
/// left, instead of reading every document back first (a query and a connection checkout per batch).
/// </summary>
[Collection(CartCollection.Name)]
public sealed class ReportsKeepTheirAggregates(CartApp app)
{
    [Fact]
    public async Task A_later_batch_applies_its_events_to_the_aggregate_in_memory_not_to_the_stored_document()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var cart = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{cart}/items", new { sku = c.Banana, quantity = 1 });
        await app.WaitForAsyncProjectionsAsync();
        (await TimesAddedAsync(c.Banana)).ShouldBe(1);

        // Someone changes the stored document behind the daemon's back. A daemon that read it back before applying the
        // next batch would build on it (101); one that keeps its aggregate builds on what it wrote (2).
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand(
                "update cart.mt_doc_productperformance set data = jsonb_set(data, '{timesAdded}', '100') where id = $1", connection);
            tamper.Parameters.AddWithValue(c.Banana);
            (await tamper.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        (await TimesAddedAsync(c.Banana)).ShouldBe(100);

        await app.Send(customer, "POST", $"/api/carts/{cart}/items", new { sku = c.Banana, quantity = 1 });
        await app.WaitForAsyncProjectionsAsync();
        (await TimesAddedAsync(c.Banana)).ShouldBe(2);
    }

    private async Task<int> TimesAddedAsync(string sku) =>
        (await app.Host.GetAsJson<JsonElement>($"/api/reports/products/{sku}", app.AdminToken()))
        .GetProperty("timesAdded").GetInt32();
}
