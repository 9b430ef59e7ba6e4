using Marten;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.Orders.GettingOrder;

namespace ModularMonolith.Orders;

/// <summary>Every HTTP write on an order: the shared write flow, answered with the order's new summary.</summary>
internal static class OrderWrites
{
    public static async Task<OrderStatusView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<Order, object[]> decide, CancellationToken cancellation)
    {
        var (state, version) = await session.DecideAsync(id, http, "order", order => order.CustomerId, decide,
            Order.Fold, cancellation);
        return new OrderStatusView(state.Id, state.Status, state.Refunded, version);
    }
}
