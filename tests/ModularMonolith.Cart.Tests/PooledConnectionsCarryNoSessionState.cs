using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine.Tracking;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// A module store's connections go back to the pool without Npgsql's reset (No Reset On Close, docs/adr/0019), so
/// whatever session state a user of the pool leaves on a connection (a session advisory lock, a SET, a LISTEN, a temp
/// table, an open cursor) would reach the next request that takes it. These tests look at every idle connection of
/// each module store's pool after the host has served writes, checkouts (with their messages to Orders and
/// Accounts) and its async projections.
/// </summary>
[Collection(CartCollection.Name)]
public sealed class PooledConnectionsCarryNoSessionState(CartApp app)
{
    [Fact]
    public async Task After_writes_and_projections_no_idle_connection_of_a_module_store_holds_session_state()
    {
        var c = await app.SeedCatalogAsync();
        for (var i = 0; i < 3; i++)
        {
            var customer = Guid.NewGuid();
            var id = await app.OpenCartAsync(customer);
            await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 2 });
            await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = c.TwoBananas });
            // The checkout's messages place the order (Orders) and ask Accounts for the money: every module's pool works.
            await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync(
                (Func<Wolverine.IMessageContext, Task>)(_ => app.Send(customer, "POST", $"/api/carts/{id}/checkout")));
        }
        await app.WaitForAsyncProjectionsAsync();

        foreach (var store in app.ModuleStores)
        {
            var leftovers = await SessionStateOfIdleConnectionsAsync(Pool(store));
            leftovers.ShouldBeEmpty(store.GetType().Name);
        }
    }

    [Fact]
    public async Task A_setting_left_on_a_returned_connection_is_seen_by_the_check()
    {
        // The check above can fail: a SET left on a connection of the pool survives its return and is found.
        var open = CartDataSource();
        await using (var connection = await open())
        await using (var set = new NpgsqlCommand("set statement_timeout = '7s'", connection))
            await set.ExecuteNonQueryAsync();

        // The host's async daemon takes connections of this pool too: a look can miss the one connection while the
        // daemon has it out, so look again (bounded) until it is back.
        var leftovers = new List<string>();
        for (var look = 0; look < 20 && !leftovers.Any(l => l.Contains("statement_timeout")); look++)
            leftovers.AddRange(await SessionStateOfIdleConnectionsAsync(open));

        leftovers.ShouldContain(l => l.Contains("statement_timeout"));
    }

    private Func<Task<NpgsqlConnection>> CartDataSource() => Pool(app.Host.Services.GetRequiredService<ICartStore>());

    /// <summary>Connections of a module store's own pool (Marten's data source for the module).</summary>
    private static Func<Task<NpgsqlConnection>> Pool(IDocumentStore store)
    {
        var database = store.Storage.Database;
        return async () =>
        {
            var connection = database.CreateConnection();
            await connection.OpenAsync();
            return connection;
        };
    }

    /// <summary>
    /// Takes every connection the pool has idle at once (so each is a different one), reports the session state each
    /// holds and clears it, so that a finding does not reach later tests.
    /// </summary>
    private static async Task<List<string>> SessionStateOfIdleConnectionsAsync(Func<Task<NpgsqlConnection>> open)
    {
        var found = new List<string>();
        var held = new List<NpgsqlConnection>();
        try
        {
            // The pool hands out its idle connections before it opens a new one: taking connections until one is a
            // new session (started after this look began) has taken every idle one. The margin is for the clocks'
            // resolution only: a wider one counted a connection the daemon opened a moment ago, idle ahead of the
            // one the check is after, as new, and stopped before reaching it.
            var since = DateTime.UtcNow.AddMilliseconds(-20);
            while (held.Count < 100)
            {
                var connection = await open();
                held.Add(connection);
                await using var started = new NpgsqlCommand(
                    "select backend_start from pg_stat_activity where pid = pg_backend_pid()", connection);
                if ((DateTime)(await started.ExecuteScalarAsync())! >= since) break;
            }
            foreach (var connection in held)
            {
                await using var inspect = new NpgsqlCommand("""
                    select 'advisory lock ' || objid from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'
                    union all select 'setting ' || name || ' = ' || setting from pg_settings where source = 'session'
                    union all select 'listening ' || c from pg_listening_channels() c
                    union all select 'temp table ' || relname from pg_class where relnamespace = pg_my_temp_schema()
                    union all select 'cursor ' || name from pg_cursors where name <> '' -- '': this query's own portal
                    """, connection);
                await using (var reader = await inspect.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) found.Add(reader.GetString(0));
                await using var clear = new NpgsqlCommand(
                    "reset all; select pg_advisory_unlock_all(); unlisten *; discard temp; close all", connection);
                await clear.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }
        return found;
    }
}
