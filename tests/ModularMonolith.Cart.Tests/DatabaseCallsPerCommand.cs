using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// A command costs PostgreSQL one connection checkout and a handful of statements, whatever the aggregate (#13):
/// the reads it needs and its append share one connection, and nothing is read twice.
/// </summary>
[Collection(CartCollection.Name)]
public sealed class DatabaseCallsPerCommand(CartApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task Adding_an_item_takes_one_connection_and_at_most_six_statements()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        // The first add warms what is paid once per host (generated code, prepared plans, the pool's first connection).
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 });

        var usage = await app.Database.MeasureAsync(app.Host, s =>
        {
            s.Post.Json(new { sku = c.Mango, quantity = 2 }).ToUrl($"/api/carts/{id}/items");
            s.Bearer(app.CustomerToken(customer));
            s.StatusCodeShouldBeOk();
        });

        output.WriteLine(usage.ToString());
        usage.Checkouts.ShouldBe(1, usage.ToString());
        usage.Statements.ShouldBeLessThanOrEqualTo(6, usage.ToString());
    }
}
