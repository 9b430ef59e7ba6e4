using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.Persistence;
using Wolverine;

namespace ModularMonolith.Cart;

/// <summary>
/// The Cart module owns the catalog and customers' carts up to checkout: the <c>cart</c> schema. Its use cases
/// arrive with issue #4; the store, schema and event tables exist from the foundation on.
/// </summary>
public static class CartModule
{
    public const string Schema = "cart";

    public static IServiceCollection AddCartModule(this IServiceCollection services)
    {
        services.AddModuleStore<ICartStore>(Schema, _ => { });
        return services;
    }

    public static WolverineOptions AddCartModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(CartModule).Assembly);
        return wolverine;
    }
}
