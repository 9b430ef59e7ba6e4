using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Marten.Linq.LastModified;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Persistence;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.Analytics;
using Wolverine;

namespace ModularMonolith.Cart;

/// <summary>
/// The Cart module owns the catalog (products, discounts) and customers' carts up to checkout: the <c>cart</c>
/// schema (streams of <see cref="ShoppingCart"/>, its inline snapshot, the async <see cref="ProductPerformance"/>).
/// It tells the Orders module about checkouts with ModularMonolith.Cart.Contracts.CartCheckoutCompleted.
/// </summary>
public static class CartModule
{
    public const string Schema = "cart";

    public static IServiceCollection AddCartModule(this IServiceCollection services)
    {
        services.AddModuleStore<ICartStore>(Schema, store =>
        {
            // Event versioning (docs/adr/0006): ItemAdded v2 is stored as "item_added_v2"; v1 rows ("item_added")
            // are upcast on read, so aggregates, projections and rebuilds only ever see v2.
            store.Events.MapEventTypeWithSchemaVersion<ItemAdded>(2);
            store.Events.Upcast<ItemAddedV1, ItemAdded>(ItemAddedV1.EventTypeName, v1 => v1.Upcast());

            // Rebuilds only (the snapshot is inline): read the log in pages of 5,000 events, and keep each cart's latest
            // snapshot in memory, writing it once per 10,000 carts instead of once per page (docs/benchmarks.md).
            // The daemon stops reading while MaximumHopperSize events are read but not yet applied; at its default
            // (5,000, one page) reading the next page (a query and 5,000 JSON reads) waited for the previous page's
            // apply and snapshot writes, so the two never overlapped. Four pages in flight let them run side by side.
            store.Projections.Snapshot<ShoppingCart>(SnapshotLifecycle.Inline, rebuild =>
            {
                rebuild.BatchSize = 5_000;
                rebuild.RebuildFlushThreshold = 10_000;
                rebuild.MaximumHopperSize = 4 * rebuild.BatchSize;
            });
            store.Projections.Add<ProductPerformanceProjection>(ProjectionLifecycle.Async, AsyncReports.KeepRecentAggregates);
            // No index on the snapshot beyond its id: no query reads carts by anything else, and an index on a field
            // of the JSON made every command's snapshot write a non-HOT update (an entry in each index per write, the
            // old ones left to vacuum). Without it PostgreSQL updates the row in place on its page (bench/optimizations.md).
            // A database from before keeps its customer index until `db-apply` drops it (docs/operations.md). A future
            // query by customer would want a duplicated column (`Duplicate(x => x.CustomerId)`): its value never changes,
            // so writes stay in place.
            // The catalog's documents are known up front, so `db-apply` creates their tables; Marten would otherwise
            // only create them on first use, which a Production database (no auto-create) refuses.
            store.Schema.For<Product>();
            store.Schema.For<Discount>();
        });
        // Rebuilds of the snapshot take the module's own single pass over the log, about three times cheaper in host CPU
        // than Marten's daemon (docs/adr/0018); the console and the `rebuild` verb pick it up.
        services.AddSingleton(new SnapshotRebuilder(typeof(ICartStore), Rebuilding.ShoppingCartRebuild.Projection,
            Rebuilding.ShoppingCartRebuild.RunAsync));
        // Abandoned and checked-out carts are finished; a cart's last write is its snapshot's last modification.
        services.AddSingleton(new ClosedStreams(Schema, typeof(ICartStore), async (session, before, cancellation) =>
            await session.Query<ShoppingCart>()
                .Where(c => c.Status != CartStatus.Open && c.ModifiedBefore(before))
                .Select(c => c.Id).ToListAsync(cancellation)));
        return services;
    }

    public static WolverineOptions AddCartModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(CartModule).Assembly);
        return wolverine;
    }
}
