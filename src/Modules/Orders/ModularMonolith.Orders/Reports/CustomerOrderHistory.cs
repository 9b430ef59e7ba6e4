using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Reports;

/// <summary>
/// One customer's orders at a glance: how many, how much spent (paid minus refunded), the last one, and how many are
/// in each status. Built by an async multi-stream projection over all of the customer's order streams.
/// </summary>
public sealed class CustomerOrderHistory
{
    public Guid Id { get; set; }
    public int OrderCount { get; set; }
    public decimal TotalSpent { get; set; }
    public Guid? LastOrderId { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public Dictionary<Guid, OrderStatus> StatusOfOrder { get; set; } = [];

    public Dictionary<OrderStatus, int> OrdersByStatus =>
        StatusOfOrder.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
}

public sealed class CustomerOrderHistoryProjection : MultiStreamProjection<CustomerOrderHistory, Guid>
{
    public CustomerOrderHistoryProjection()
    {
        Name = "CustomerOrderHistory";
        Identity<OrderPlaced>(e => e.CustomerId);
        Identity<OrderPaid>(e => e.CustomerId);
        Identity<OrderCancelled>(e => e.CustomerId);
        Identity<OrderRefunded>(e => e.CustomerId);
        Identity<OrderShipped>(e => e.CustomerId);
        Identity<OrderDelivered>(e => e.CustomerId);
    }

    public void Apply(CustomerOrderHistory h, OrderPlaced e)
    {
        h.Id = e.CustomerId;
        h.OrderCount++;
        h.StatusOfOrder[e.OrderId] = OrderStatus.Pending;
        if (h.LastOrderAt is null || e.PlacedAt > h.LastOrderAt) (h.LastOrderId, h.LastOrderAt) = (e.OrderId, e.PlacedAt);
    }

    public void Apply(CustomerOrderHistory h, OrderPaid e)
    {
        h.TotalSpent += e.Amount;
        h.StatusOfOrder[e.OrderId] = OrderStatus.Paid;
    }

    public void Apply(CustomerOrderHistory h, OrderRefunded e) => h.TotalSpent -= e.Amount;
    public void Apply(CustomerOrderHistory h, OrderCancelled e) => h.StatusOfOrder[e.OrderId] = OrderStatus.Cancelled;
    public void Apply(CustomerOrderHistory h, OrderShipped e) => h.StatusOfOrder[e.OrderId] = OrderStatus.Shipped;
    public void Apply(CustomerOrderHistory h, OrderDelivered e) => h.StatusOfOrder[e.OrderId] = OrderStatus.Completed;
}

public sealed record CustomerOrderHistoryView(Guid CustomerId, int OrderCount, decimal TotalSpent, Guid? LastOrderId,
    DateTimeOffset? LastOrderAt, IReadOnlyDictionary<OrderStatus, int> OrdersByStatus);

[MartenStore(typeof(IOrdersStore))]
public static class GetCustomerOrderHistoryEndpoint
{
    [WolverineGet("/api/customers/{id}/order-history", OperationId = "GetCustomerOrderHistory")]
    [ProducesResponseType<CustomerOrderHistoryView>(StatusCodes.Status200OK)]
    public static async Task<CustomerOrderHistoryView> Get(Guid id, IQuerySession session, HttpContext http,
        CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "order history");
        var history = await session.LoadAsync<CustomerOrderHistory>(id, cancellation) ?? new CustomerOrderHistory { Id = id };
        return new CustomerOrderHistoryView(id, history.OrderCount, history.TotalSpent, history.LastOrderId,
            history.LastOrderAt, history.OrdersByStatus);
    }
}
