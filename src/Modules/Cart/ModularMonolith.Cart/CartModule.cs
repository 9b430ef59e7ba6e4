using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.Persistence;
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
            store.Projections.Snapshot<ShoppingCart>(SnapshotLifecycle.Inline);
            store.Projections.Add<ProductPerformanceProjection>(ProjectionLifecycle.Async);
            store.Schema.For<ShoppingCart>().Index(x => x.CustomerId);
        });
        return services;
    }

    public static WolverineOptions AddCartModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(CartModule).Assembly);
        return wolverine;
    }
}
