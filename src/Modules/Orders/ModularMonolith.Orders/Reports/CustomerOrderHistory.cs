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
/// in each status. Built by an async multi-stream projection over all of the customer's order streams. It keeps counts,
/// not a status per order: each event names the status its order leaves (<see cref="Order"/>'s rules: Pending → Paid →
/// Shipped → Completed, or Cancelled from Pending or Paid, told by <see cref="OrderCancelled.WasPaid"/>), so the
/// document stays the same size however many orders the customer places (#13: a document that grows with history is
/// read and rewritten whole at every daemon batch). Documents written before kept a status per order and stored these
/// counts beside it; they read as before, and the per-order map is dropped at their next write.
/// </summary>
public sealed class CustomerOrderHistory
{
    public Guid Id { get; set; }
    public int OrderCount { get; set; }
    public decimal TotalSpent { get; set; }
    public Guid? LastOrderId { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public Dictionary<OrderStatus, int> OrdersByStatus { get; set; } = [];

    public void Move(OrderStatus? from, OrderStatus to)
    {
        if (from is { } left && OrdersByStatus.TryGetValue(left, out var count))
        {
            if (count > 1) OrdersByStatus[left] = count - 1;
            else OrdersByStatus.Remove(left);
        }
        OrdersByStatus[to] = OrdersByStatus.GetValueOrDefault(to) + 1;
    }
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
        h.Move(null, OrderStatus.Pending);
        if (h.LastOrderAt is null || e.PlacedAt > h.LastOrderAt) (h.LastOrderId, h.LastOrderAt) = (e.OrderId, e.PlacedAt);
    }

    public void Apply(CustomerOrderHistory h, OrderPaid e)
    {
        h.TotalSpent += e.Amount;
        h.Move(OrderStatus.Pending, OrderStatus.Paid);
    }

    public void Apply(CustomerOrderHistory h, OrderRefunded e) => h.TotalSpent -= e.Amount;

    public void Apply(CustomerOrderHistory h, OrderCancelled e) =>
        h.Move(e.WasPaid ? OrderStatus.Paid : OrderStatus.Pending, OrderStatus.Cancelled);

    public void Apply(CustomerOrderHistory h, OrderShipped e) => h.Move(OrderStatus.Paid, OrderStatus.Shipped);
    public void Apply(CustomerOrderHistory h, OrderDelivered e) => h.Move(OrderStatus.Shipped, OrderStatus.Completed);
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
