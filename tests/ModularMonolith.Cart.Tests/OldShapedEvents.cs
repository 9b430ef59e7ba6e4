using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// Version 1 of ItemAdded (type "item_added", fields productId and price) written straight into the event table, as
/// an older release stored it, must still load, project and rebuild through the upcaster.
/// </summary>
[Collection(CartCollection.Name)]
public sealed class OldShapedEvents(CartApp app)
{
    [Fact]
    public async Task Version_1_item_added_events_are_upcast_for_aggregates_projections_and_rebuilds()
    {
        var customer = Guid.NewGuid();
        var cart = Guid.NewGuid();
        var sku = $"legacy-{Guid.NewGuid():N}"[..20];
        await AppendRawAsync(cart,
            ("cart_opened", "ModularMonolith.Cart.OpeningCart.CartOpened", new { cartId = cart, customerId = customer, openedAt = DateTimeOffset.UtcNow }),
            ("item_added", ItemAddedV1ClrName, new { cartId = cart, productId = sku, name = "Legacy", quantity = 2, price = 1.25m, addedAt = DateTimeOffset.UtcNow }),
            ("item_added", ItemAddedV1ClrName, new { cartId = cart, productId = sku, name = "Legacy", quantity = 1, price = 1.25m, addedAt = DateTimeOffset.UtcNow }));

        // Aggregate: the cart as of version 3, folded live from the stored events.
        var live = await app.Send(customer, "GET", $"/api/carts/{cart}?version=3");
        live.GetProperty("lines")[0].GetProperty("sku").GetString().ShouldBe(sku);
        live.GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(3);
        live.GetProperty("total").GetDecimal().ShouldBe(3.75m);

        // Rebuild: the inline snapshot did not exist (no release wrote it); rebuilding it from the log creates it.
        var store = app.Host.Services.GetRequiredService<ICartStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync("ShoppingCart", TimeSpan.FromMinutes(1), CancellationToken.None);
        (await app.Send(customer, "GET", $"/api/carts/{cart}")).GetProperty("total").GetDecimal().ShouldBe(3.75m);

        // Async projection: the running daemon reads the old rows like any others.
        await app.WaitForAsyncProjectionsAsync();
        var figures = await app.Host.GetAsJson<JsonElement>($"/api/reports/products/{sku}", app.AdminToken());
        figures.GetProperty("unitsAdded").GetInt32().ShouldBe(3);
    }

    /// <summary>Inserts a stream and its events with plain SQL, bypassing today's event types entirely.</summary>
    /// <summary>What version 1 wrote as the .NET type: the event was then called ItemAdded.</summary>
    private const string ItemAddedV1ClrName = "ModularMonolith.Cart.AddingItem.ItemAdded";

    private async Task AppendRawAsync(Guid streamId, params (string Type, string ClrType, object Data)[] events)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var stream = new NpgsqlCommand(
            "insert into cart.mt_streams (id, type, version) values ($1, 'shopping_cart', $2)", connection, tx))
        {
            stream.Parameters.AddWithValue(streamId);
            stream.Parameters.AddWithValue((long)events.Length);
            await stream.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < events.Length; i++)
        {
            await using var insert = new NpgsqlCommand(
                "insert into cart.mt_events (seq_id, id, stream_id, version, data, type, mt_dotnet_type) " +
                "values (nextval('cart.mt_events_sequence'), $1, $2, $3, $4::jsonb, $5, $6)", connection, tx);
            insert.Parameters.AddWithValue(Guid.NewGuid());
            insert.Parameters.AddWithValue(streamId);
            insert.Parameters.AddWithValue((long)i + 1);
            insert.Parameters.AddWithValue(JsonSerializer.Serialize(events[i].Data, JsonSerializerOptions.Web));
            insert.Parameters.AddWithValue(events[i].Type);
            insert.Parameters.AddWithValue($"{events[i].ClrType}, ModularMonolith.Cart");
            await insert.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }
}
