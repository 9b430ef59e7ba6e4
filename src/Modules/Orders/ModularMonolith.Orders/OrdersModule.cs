using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Persistence;
using ModularMonolith.Orders.GettingOrder;
using ModularMonolith.Orders.Reports;
using Wolverine;

namespace ModularMonolith.Orders;

/// <summary>
/// The Orders module owns orders from placement to delivery: the <c>orders</c> schema (streams of <see cref="Order"/>,
/// the inline <see cref="OrderSummary"/>, the async <see cref="CustomerOrderHistory"/> and <see cref="DailySales"/>).
/// It listens to Cart.Contracts (checkouts) and talks to Accounts through Accounts.Contracts (debits, refunds).
/// </summary>
public static class OrdersModule
{
    public const string Schema = "orders";

    public static IServiceCollection AddOrdersModule(this IServiceCollection services)
    {
        services.AddOptions<OrdersOptions>().BindConfiguration(OrdersOptions.Section);
        services.AddModuleStore<IOrdersStore>(Schema, store =>
        {
            store.Projections.Add<OrderSummaryProjection>(ProjectionLifecycle.Inline);
            store.Projections.Add<CustomerOrderHistoryProjection>(ProjectionLifecycle.Async);
            store.Projections.Add<DailySalesProjection>(ProjectionLifecycle.Async);
            store.Schema.For<OrderSummary>().Index(x => x.CustomerId).Index(x => x.Status).Index(x => x.PlacedAt);
        });
        services.AddSingleton(new ClosedStreams(Schema, typeof(IOrdersStore), async (session, before, cancellation) =>
            await session.Query<OrderSummary>()
                .Where(o => (o.Status == OrderStatus.Completed && o.DeliveredAt < before)
                            || (o.Status == OrderStatus.Cancelled && o.CancelledAt < before))
                .Select(o => o.Id).ToListAsync(cancellation)));
        return services;
    }

    public static WolverineOptions AddOrdersModule(this WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeAssembly(typeof(OrdersModule).Assembly);
        return wolverine;
    }
}
