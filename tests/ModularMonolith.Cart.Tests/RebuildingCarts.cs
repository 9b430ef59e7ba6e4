using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Testing;
using Npgsql;
using ModularMonolith.BuildingBlocks.EventSourcing;
using Shouldly;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// A rebuild of the ShoppingCart snapshot reads the log in pages of 5,000 events, with several pages read ahead while
/// earlier ones are applied, and writes each cart's snapshot once per 10,000 carts (CartModule). Carts whose events are
/// spread over every page of the log must still come out exactly as their events say.
/// </summary>
[Collection(CartCollection.Name)]
public sealed class RebuildingCarts(CartApp app)
{
    private const int Carts = 2_500;
    private const int EventsPerCart = 10; // one cart_opened, nine item_added_v2

    [Theory]
    [InlineData(Rebuild.Marten)]
    [InlineData(Rebuild.Module)]
    public async Task Carts_whose_events_span_many_pages_are_rebuilt_to_the_state_their_events_give(Rebuild by)
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var carts = await SeedInterleavedCartsAsync(batch);

        var store = app.Host.Services.GetRequiredService<ICartStore>();
        await RebuildAsync(by);

        await using var session = store.QuerySession();
        var rebuilt = await session.LoadManyAsync<ShoppingCart>(carts);
        rebuilt.Count.ShouldBe(Carts);
        foreach (var cart in rebuilt)
        {
            var s = Array.IndexOf(carts, cart.Id) + 1;
            cart.Version.ShouldBe(EventsPerCart);
            cart.Status.ShouldBe(CartStatus.Open);
            cart.Lines.Sum(l => l.Quantity).ShouldBe(Enumerable.Range(2, EventsPerCart - 1).Sum(v => 1 + v % 3), $"cart {s}");
            cart.Lines.Select(l => l.Sku).ShouldBe(Enumerable.Range(2, EventsPerCart - 1).Select(v => Sku(batch, s, v)).Distinct(),
                ignoreOrder: true);
            cart.Total.ShouldBe(Enumerable.Range(2, EventsPerCart - 1).Sum(v => (1 + v % 3) * Price(s)), $"cart {s}");
        }
    }

    [Fact]
    public async Task A_rebuild_writes_every_cart_snapshot_exactly_as_the_inline_projection_wrote_it()
    {
        // Carts in each state a cart can end in, written through the API, so their snapshots are the inline ones.
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var open = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{open}/items", new { sku = c.Banana, quantity = 3 });
        await app.Send(customer, "POST", $"/api/carts/{open}/items", new { sku = c.Apple, quantity = 1 });
        await app.Send(customer, "DELETE", $"/api/carts/{open}/items/{c.Apple}");
        await app.Send(customer, "POST", $"/api/carts/{open}/discount", new { code = c.TwoBananas });
        var abandoned = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{abandoned}/items", new { sku = c.Mango, quantity = 2 });
        await app.Send(customer, "POST", $"/api/carts/{abandoned}/abandonment");
        var checkedOut = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{checkedOut}/items", new { sku = c.Mango, quantity = 1 });
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync(
            (Func<Wolverine.IMessageContext, Task>)(_ => app.Send(customer, "POST", $"/api/carts/{checkedOut}/checkout")));
        Guid[] carts = [open, abandoned, checkedOut];
        var inline = await SnapshotRowsAsync(carts);
        inline.Count.ShouldBe(carts.Length);
        // An archived cart's events are left out of rebuilds: its snapshot goes.
        var archived = await app.OpenCartAsync(customer);
        await using (var session = app.Host.Services.GetRequiredService<ICartStore>().LightweightSession())
        {
            session.Events.ArchiveStream(archived);
            await session.SaveChangesAsync();
        }

        await RebuildAsync(Rebuild.Marten);
        (await SnapshotRowsAsync(carts)).ShouldBe(inline);
        var byMarten = await SnapshotRowsAsync(null);
        var progressByMarten = await ProgressionAsync();
        byMarten.ShouldNotContain(row => row.StartsWith(archived.ToString()));

        // The module's own rebuild (the verb's and the console's) leaves exactly what Marten's leaves, for every cart
        // the other tests of this collection wrote too (old-shaped events, discounts, checkouts, abandonments).
        await RebuildAsync(Rebuild.Module);
        (await SnapshotRowsAsync(null)).ShouldBe(byMarten);
        (await ProgressionAsync()).ShouldBe(progressByMarten);
    }

    [Fact]
    public async Task Carts_written_while_the_module_rebuilds_keep_every_item_in_their_snapshot()
    {
        // A log long enough that the pass takes a while (75,000 more events), and carts written through the API all along it.
        for (var i = 0; i < 3; i++) await SeedInterleavedCartsAsync(Guid.NewGuid().ToString("N")[..8]);
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        Guid[] carts = [await app.OpenCartAsync(customer), await app.OpenCartAsync(customer), await app.OpenCartAsync(customer)];
        var added = carts.ToDictionary(cart => cart, _ => 0);

        var rebuilding = Task.Run(() => RebuildAsync(Rebuild.Module));
        for (var round = 0; round < 60 && (round < 2 || !rebuilding.IsCompleted); round++)
            foreach (var cart in carts)
            {
                await app.Send(customer, "POST", $"/api/carts/{cart}/items", new { sku = c.Banana, quantity = 1 });
                added[cart]++;
            }
        await rebuilding;

        // A write the pass had not read must not be replaced by the cart's state at the head the pass read to.
        await using var session = app.Host.Services.GetRequiredService<ICartStore>().QuerySession();
        foreach (var cart in carts)
        {
            var snapshot = (await session.LoadAsync<ShoppingCart>(cart))!;
            var stream = (await session.Events.FetchStreamStateAsync(cart))!;
            snapshot.Version.ShouldBe((int)stream.Version, $"cart {cart}");
            snapshot.Lines.Single().Quantity.ShouldBe(added[cart], $"cart {cart}");
        }
    }

    public enum Rebuild { Marten, Module }

    private async Task RebuildAsync(Rebuild by)
    {
        var store = app.Host.Services.GetRequiredService<ICartStore>();
        if (by == Rebuild.Module)
        {
            var own = app.Host.Services.GetServices<SnapshotRebuilder>().Single(r => r.Projection == "ShoppingCart");
            await own.Rebuild(store, CancellationToken.None);
            return;
        }
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync("ShoppingCart", TimeSpan.FromMinutes(2), CancellationToken.None);
    }

    private Task<List<string>> ProgressionAsync() => app.ReadTextsAsync(
        "select name || ' ' || coalesce(last_seq_id, -1) || ' ' || mode from cart.mt_event_progression where name like 'ShoppingCart%' order by name");

    /// <summary>
    /// Each cart's stored snapshot as PostgreSQL holds it (id, version, CLR type, JSON text), of the given carts or all.
    /// </summary>
    private async Task<List<string>> SnapshotRowsAsync(Guid[]? carts)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "select id::text || ' ' || mt_version || ' ' || mt_dotnet_type || ' ' || data::text from cart.mt_doc_shoppingcart " +
            "where $1::uuid[] is null or id = any($1) order by id",
            connection);
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)carts ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        var rows = new List<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static string Sku(string batch, int s, int v) => $"rb-{batch}-{(s + v) % 4}";
    private static decimal Price(int s) => 1.00m + s % 7;

    /// <summary>
    /// Appends the carts with plain SQL in event order (v, s): every cart's ten events lie 2,500 events apart, so each
    /// cart appears in every 5,000-event page of this stretch of the log. Returns the carts' ids in seeding order.
    /// </summary>
    private async Task<Guid[]> SeedInterleavedCartsAsync(string batch)
    {
        var carts = Enumerable.Range(0, Carts).Select(_ => Guid.NewGuid()).ToArray();
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("""
            with streams as (
              select id, gen_random_uuid() as customer, s::int as s from unnest($1::uuid[]) with ordinality as t(id, s)
            ), inserted as (
              insert into cart.mt_streams (id, type, version, tenant_id) select id, 'shopping_cart', 10, '*DEFAULT*' from streams
            )
            insert into cart.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            select nextval('cart.mt_events_sequence'), gen_random_uuid(), st.id, v,
                   case when v = 1 then jsonb_build_object('cartId', st.id, 'openedAt', now(), 'customerId', st.customer)
                        else jsonb_build_object('sku', 'rb-' || $2 || '-' || ((st.s + v) % 4), 'name', 'Rebuilt',
                                                'cartId', st.id, 'addedAt', now(), 'quantity', 1 + v % 3,
                                                'unitPrice', 1.00 + st.s % 7) end,
                   case when v = 1 then 'cart_opened' else 'item_added_v2' end, now(), '*DEFAULT*',
                   case when v = 1 then 'ModularMonolith.Cart.OpeningCart.CartOpened, ModularMonolith.Cart'
                        else 'ModularMonolith.Cart.AddingItem.ItemAdded, ModularMonolith.Cart' end
            from streams st cross join generate_series(1, 10) v
            order by v, st.s
            """, connection, tx);
        insert.Parameters.AddWithValue(carts);
        insert.Parameters.AddWithValue(batch);
        (await insert.ExecuteNonQueryAsync()).ShouldBe(Carts * EventsPerCart);
        await tx.CommitAsync();

        // The sequence numbers follow the sort, so the first cart's events really are spread over the whole stretch.
        await using var spread = new NpgsqlCommand("select max(seq_id) - min(seq_id) from cart.mt_events where stream_id = $1", connection);
        spread.Parameters.AddWithValue(carts[0]);
        ((long)(await spread.ExecuteScalarAsync())!).ShouldBeGreaterThanOrEqualTo((EventsPerCart - 1L) * Carts);
        return carts;
    }
}
