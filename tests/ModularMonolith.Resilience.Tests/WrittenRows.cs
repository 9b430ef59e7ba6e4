using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Testing;
using Npgsql;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// Every row a request could write: domain events (not Marten's tombstones), streams, documents, outgoing messages.
/// Compared before and after a batch of refused requests: any difference is something a refused request wrote. The
/// async projections catch up first, so a count only moves when a request writes, not when the daemon projects the
/// setup's events (the statement's rows are one per movement, ADR 0017).
/// </summary>
public static class WrittenRows
{
    public static async Task<Dictionary<string, long>> CountAsync(AppFixture app)
    {
        foreach (var store in new Marten.IDocumentStore[]
                 {
                     app.Host.Services.GetRequiredService<Accounts.IAccountsStore>(),
                     app.Host.Services.GetRequiredService<Cart.ICartStore>(),
                     app.Host.Services.GetRequiredService<Orders.IOrdersStore>()
                 })
            await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select table_schema || '.' || table_name from information_schema.tables " +
            "where table_schema in ('accounts','cart','orders') and (table_name like 'mt_doc_%' or table_name in ('mt_events','mt_streams')) " +
            "and table_name not in ('mt_doc_deadletterevent','mt_doc_envelope')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        tables.Add("wolverine.wolverine_outgoing_envelopes");

        var counts = new Dictionary<string, long>();
        foreach (var table in tables.Order())
        {
            // A refused sign-up leaves a tombstone event and its stream row behind (Marten's), which is not a write.
            var filter = table.EndsWith(".mt_events") ? " where type <> 'tombstone'"
                : table.EndsWith(".mt_streams") ? $" s where exists (select 1 from {table[..table.IndexOf('.')]}.mt_events e where e.stream_id = s.id and e.type <> 'tombstone')"
                : "";
            await using var count = new NpgsqlCommand($"select count(*) from {table}{filter}", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
