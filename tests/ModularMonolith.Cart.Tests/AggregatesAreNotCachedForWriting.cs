using System.Collections.Immutable;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>
/// Marten 9's <c>CacheAggregatesForWriting&lt;T&gt;</c> keeps aggregates between sessions so that <c>FetchForWriting</c>
/// can skip the snapshot read. It is off in every module store, and must stay off while our aggregates are immutable
/// records (docs/adr/0012, "Caching aggregates for writing"): under an Inline snapshot with the identity map for
/// aggregates, Marten writes back to its cache, after the commit, the instance <c>FetchForWriting</c> handed out,
/// assuming the projection changed that instance in place. A record's <c>Apply</c> returns a new one, so the cache
/// keeps the state from before the commit under the new version, the next write decides on it, and the snapshot it
/// stores has lost every line added in between. (It would not save the read here anyway: the batched
/// <c>FetchForWriting</c> that <c>AggregateWrites</c> uses does not consult the cache.)
/// </summary>
[Collection(CartCollection.Name)]
public sealed class AggregatesAreNotCachedForWriting(CartApp app)
{
    [Fact]
    public void No_module_store_caches_aggregates_for_writing()
    {
        foreach (var store in app.ModuleStores)
        {
            var caching = ((StoreOptions)store.Options).Events.AggregateWriteCaching;
            caching.IsEnabledForAnyType.ShouldBeFalse(
                $"{store.GetType().Name} caches {string.Join(", ", caching.EnabledTypes.Select(t => t.Name))} for writing");
        }
    }

    /// <summary>
    /// Why the test above exists, shown on Marten itself with an aggregate shaped like ours (a record whose Apply
    /// returns a new record, an Inline snapshot, the identity map for aggregates as <c>ModuleStore</c> sets it). When a
    /// Marten upgrade makes this test fail, the cache keeps the right state and may be reconsidered.
    /// </summary>
    [Fact]
    public async Task Marten_write_cache_keeps_an_immutable_aggregate_from_before_its_commit()
    {
        var stored = await FourAppendsAsync(cached: false);
        stored.ShouldBe(["a", "b", "c", "d"]);

        var storedWithCache = await FourAppendsAsync(cached: true);
        storedWithCache.ShouldBe(["d"]);
    }

    private async Task<IReadOnlyList<string>> FourAppendsAsync(bool cached)
    {
        await using var store = DocumentStore.For(options =>
        {
            options.Connection(app.ConnectionString);
            options.DatabaseSchemaName = options.Events.DatabaseSchemaName = cached ? "write_cache_on" : "write_cache_off";
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.Events.StreamIdentity = StreamIdentity.AsGuid;
            options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
            options.Events.UseIdentityMapForAggregates = true;
            options.Projections.Snapshot<Basket>(SnapshotLifecycle.Inline);
            if (cached) options.Events.CacheAggregatesForWriting<Basket>(100);
        });
        var id = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Basket>(id, new BasketOpened(id));
            await session.SaveChangesAsync();
        }
        foreach (var item in new[] { "a", "b", "c", "d" })
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Basket>(id);
            stream.AppendOne(new BasketItemAdded(item));
            await session.SaveChangesAsync();
        }
        await using var query = store.QuerySession();
        return (await query.LoadAsync<Basket>(id))!.Items;
    }

    public sealed record BasketOpened(Guid Id);

    public sealed record BasketItemAdded(string Item);

    public sealed record Basket(Guid Id, ImmutableList<string> Items)
    {
        public int Version { get; set; }
        public static Basket Create(BasketOpened e) => new(e.Id, ImmutableList<string>.Empty);
        public Basket Apply(BasketItemAdded e) => this with { Items = Items.Add(e.Item) };
    }
}
