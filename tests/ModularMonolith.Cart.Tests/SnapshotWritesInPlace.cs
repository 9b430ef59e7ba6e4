using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// Every command on a cart rewrites its snapshot. With an index on a field of the snapshot's JSON (the customer, until
/// issue #13), each of those writes was a non-HOT update: PostgreSQL added an entry to every index of the table and
/// left the old ones to vacuum, although no query reads carts by anything but their id. The snapshot table keeps its
/// primary key only, so a write that fits the row's page updates it in place (bench/optimizations.md: 0 % of the
/// snapshot updates were HOT under add item before, 100 % after), and applying the schema to a database from before
/// drops the old index (docs/operations.md, upgrading).
/// </summary>
[Collection(CartCollection.Name)]
public sealed class SnapshotWritesInPlace(CartApp app)
{
    private const string OldCustomerIndex = "mt_doc_shoppingcart_idx_customer_id";

    [Fact]
    public async Task The_snapshot_table_keeps_its_primary_key_only_and_applying_the_schema_drops_the_old_customer_index()
    {
        await app.ExecuteSqlAsync($"create index if not exists {OldCustomerIndex} on cart.mt_doc_shoppingcart " +
                                  "using btree (((data ->> 'customerId')::uuid))");
        (await SnapshotIndexesAsync()).ShouldContain(OldCustomerIndex);

        await app.Host.Services.GetRequiredService<ICartStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        (await SnapshotIndexesAsync()).ShouldBe(["pkey_mt_doc_shoppingcart_id"]);
    }

    private Task<List<string>> SnapshotIndexesAsync() => app.ReadTextsAsync(
        "select indexname from pg_indexes where schemaname = 'cart' and tablename = 'mt_doc_shoppingcart' order by indexname");
}
