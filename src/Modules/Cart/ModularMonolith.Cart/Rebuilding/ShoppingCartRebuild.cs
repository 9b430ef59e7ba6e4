using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;

namespace ModularMonolith.Cart.Rebuilding;

/// <summary>
/// Rebuilds the inline <see cref="ShoppingCart"/> snapshot with one synchronous pass over the log instead of Marten's
/// daemon (docs/adr/0018): Marten's daemon spent about 16 µs of host CPU per event (its asynchronous per-column reads,
/// page hand-offs between threads, per-page upserts); the verb with this pass uses about half the CPU it did. Events are read and upcast by
/// Marten's own event storage (the same select and <c>Resolve</c> its loader uses, synchronously, as the rows are
/// buffered), folded with <see cref="ShoppingCart.Fold"/>, and the documents written with one binary COPY. What it
/// leaves is what Marten's rebuild leaves; test RebuildingCarts compares the two.
/// </summary>
internal static class ShoppingCartRebuild
{
    public const string Projection = "ShoppingCart";
    private const int ProgressEvery = 50_000;

    public static async Task RunAsync(IDocumentStore documentStore, CancellationToken cancellation)
    {
        var store = (DocumentStore)documentStore;
        var schema = store.Options.Events.DatabaseSchemaName;
        var documents = documentStore.Options.Schema.For<ShoppingCart>();
        // Marten's event storage for this store: the select and the reading its own loader uses.
        await using var session = store.QuerySession();
        var storage = ((Marten.Internal.Sessions.QuerySession)session).EventStorage();

        // Writers of carts wait for the pass (their snapshot upsert needs the table), readers do not. Taken before the
        // head is read: every write committed before it is in the log the pass reads, and a write that comes later
        // cannot commit before the new documents are in, so it writes its own snapshot after them instead of being
        // replaced by its state at the head (a lost update, where a cart's snapshot would trail its stream). The
        // price: cart writes wait for the pass (seconds per million events), where Marten's rebuild lets them race it.
        await using var writer = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await writer.OpenAsync(cancellation);
        await using var transaction = await writer.BeginTransactionAsync(cancellation);
        await using (var exclusive = new NpgsqlCommand($"lock table {documents} in share row exclusive mode", writer, transaction))
            await exclusive.ExecuteNonQueryAsync(cancellation);

        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        var head = Convert.ToInt64(await new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {schema}.mt_events", connection)
            .ExecuteScalarAsync(cancellation));
        // Progress goes over a connection of its own: the reading one is busy with its open reader, the writing one is
        // inside its transaction (the verb and the console read the progression row meanwhile).
        await using var progress = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await progress.OpenAsync(cancellation);
        var carts = await FoldAsync(connection, storage, schema, head, at => ReportAsync(progress, schema, at, cancellation), cancellation);

        // The old documents give way to the new ones in one transaction: readers see either, never a table half full.
        // Columns as Marten's upsert writes them (mt_version is the cart's version; mt_last_modified its default).
        await using (var teardown = new NpgsqlCommand($"delete from {documents}", writer, transaction))
            await teardown.ExecuteNonQueryAsync(cancellation);
        await using (var copy = await writer.BeginBinaryImportAsync(
                         $"copy {documents} (id, data, mt_dotnet_type, mt_version) from stdin (format binary)", cancellation))
        {
            var serializer = store.Options.Serializer();
            var dotnetType = typeof(ShoppingCart).FullName!;
            foreach (var cart in carts.Values)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(cart.Id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(serializer.ToJson(cart), NpgsqlDbType.Jsonb, cancellation);
                await copy.WriteAsync(dotnetType, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync((long)cart.Version, NpgsqlDbType.Bigint, cancellation);
            }
            await copy.CompleteAsync(cancellation);
        }
        // Marten's rebuild of an inline projection ends without a progression row for it.
        await using (var done = new NpgsqlCommand($"delete from {schema}.mt_event_progression where name = $1", writer, transaction))
        {
            done.Parameters.AddWithValue(ShardName);
            await done.ExecuteNonQueryAsync(cancellation);
        }
        await transaction.CommitAsync(cancellation);
    }

    /// <summary>Where the pass has read to, in the progression row the console's bar and the verb read meanwhile.</summary>
    private static async Task ReportAsync(NpgsqlConnection connection, string schema, long at, CancellationToken cancellation)
    {
        await using var upsert = new NpgsqlCommand(
            $"insert into {schema}.mt_event_progression (name, last_seq_id) values ($1, $2) " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = transaction_timestamp()", connection);
        upsert.Parameters.AddWithValue(ShardName);
        upsert.Parameters.AddWithValue(at);
        await upsert.ExecuteNonQueryAsync(cancellation);
    }

    private static string ShardName => $"{Projection}:All";

    /// <summary>
    /// Every cart's state after its events up to <paramref name="head"/>, in sequence order. Archived events are left out
    /// as Marten's loader leaves them out, and events a cart does not apply (Fold returns the same state) do not move its
    /// version, as Marten's filter by handled event types never shows them to the snapshot.
    /// </summary>
    private static async Task<Dictionary<Guid, ShoppingCart>> FoldAsync(NpgsqlConnection connection, IEventStorage storage,
        string schema, long head, Func<long, Task> report, CancellationToken cancellation)
    {
        var carts = new Dictionary<Guid, ShoppingCart>();
        var fields = string.Join(", ", storage.SelectFields().Select(f => "d." + f));
        using var select = new NpgsqlCommand(
            $"select {fields} from {schema}.mt_events as d where d.seq_id <= $1 and d.is_archived = false " +
            "and d.type <> 'tombstone' order by d.seq_id", connection);
        select.Parameters.AddWithValue(head);
        select.CommandTimeout = 0;
        using var reader = select.ExecuteReader();
        var read = 0L;
        while (reader.Read())
        {
            var @event = ((Weasel.Storage.ISelector<IEvent>)storage).Resolve(reader);
            carts.TryGetValue(@event.StreamId, out var state);
            // A stream that does not start by opening a cart has no snapshot (Fold refuses it).
            if (state is null && @event.Data is not OpeningCart.CartOpened) continue;
            var next = ShoppingCart.Fold(state, @event.Data);
            if (!ReferenceEquals(next, state))
            {
                next.Version = (int)@event.Version;
                carts[@event.StreamId] = next;
            }
            if (++read % ProgressEvery == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                await report(@event.Sequence);
            }
        }
        return carts;
    }
}
