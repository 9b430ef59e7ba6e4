using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.Persistence;
using Wolverine;

namespace ModularMonolith.Orders;

/// <summary>
/// The Orders module owns orders from placement to delivery: the <c>orders</c> schema. Its use cases
/// arrive with issue #5; the store, schema and event tables exist from the foundation on.
/// </summary>
public static class OrdersModule
{
    public const string Schema = "orders";

    public static IServiceCollection AddOrdersModule(this IServiceCollection services)
    {
        services.AddModuleStore<IOrdersStore>(Schema, _ => { });
        return services;
    }

    public static WolverineOptions AddOrdersModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(OrdersModule).Assembly);
        return wolverine;
    }
}
