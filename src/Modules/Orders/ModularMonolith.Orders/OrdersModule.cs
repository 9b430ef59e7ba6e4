using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
        services.AddOptions<OrdersOptions>().BindConfiguration(OrdersOptions.Section)
            .Validate(o => o.DailySalesVersion is 1 or 2, "Orders:DailySalesVersion must be 1 or 2.").ValidateOnStart();
        services.AddModuleStore<IOrdersStore>(Schema, (store, provider) =>
        {
            store.Projections.Add<OrderSummaryProjection>(ProjectionLifecycle.Inline);
            store.Projections.Add<CustomerOrderHistoryProjection>(ProjectionLifecycle.Async, AsyncReports.KeepRecentAggregates);
            // One version of DailySales per node; Marten keeps the versions' tables and progress apart (blue/green).
            if (provider.GetRequiredService<IOptions<OrdersOptions>>().Value.DailySalesVersion == 1)
                store.Projections.Add<DailySalesProjectionV1>(ProjectionLifecycle.Async, AsyncReports.KeepRecentAggregates);
            else
                store.Projections.Add<DailySalesProjection>(ProjectionLifecycle.Async, AsyncReports.KeepRecentAggregates);
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
