using Marten;
using Marten.Events.Aggregation;
using Marten.Pagination;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Cart.Contracts;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.GettingOrder;

/// <summary>
/// The seeds' read model (order id, status, delivery date) plus the customer, lines, total, when each step happened,
/// and the stream version (the ETag). Kept by an inline projection: written in the transaction of each order event.
/// </summary>
public sealed class OrderSummary
{
    public Guid Id { get; set; }
    public Guid CustomerId { get; set; }
    public OrderStatus Status { get; set; }
    public List<CheckedOutLine> Lines { get; set; } = [];
    public CheckedOutDiscount? Discount { get; set; }
    public decimal Total { get; set; }
    public DateOnly? DeliveryDate { get; set; }
    public string? CancellationReason { get; set; }
    public bool Refunded { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? RefundedAt { get; set; }
    public int Version { get; set; }
}

public sealed class OrderSummaryProjection : SingleStreamProjection<OrderSummary, Guid>
{
    public OrderSummaryProjection() => Name = "OrderSummary";

    public static OrderSummary Create(OrderPlaced e) => new()
    {
        Id = e.OrderId, CustomerId = e.CustomerId, Status = OrderStatus.Pending, Lines = [.. e.Lines],
        Discount = e.Discount, Total = e.Total, PlacedAt = e.PlacedAt
    };

    public void Apply(OrderSummary s, OrderPaid e) => (s.Status, s.PaidAt) = (OrderStatus.Paid, e.PaidAt);
    public void Apply(OrderSummary s, OrderShipped e) => (s.Status, s.ShippedAt) = (OrderStatus.Shipped, e.ShippedAt);

    public void Apply(OrderSummary s, OrderDelivered e) =>
        (s.Status, s.DeliveryDate, s.DeliveredAt) = (OrderStatus.Completed, e.DeliveredOn, e.RecordedAt);

    public void Apply(OrderSummary s, OrderCancelled e) =>
        (s.Status, s.CancellationReason, s.CancelledAt) = (OrderStatus.Cancelled, e.Reason, e.CancelledAt);

    public void Apply(OrderSummary s, OrderRefunded e) => (s.Refunded, s.RefundedAt) = (true, e.RefundedAt);
}

/// <summary>What a write on an order answers: where it stands now.</summary>
public sealed record OrderStatusView(Guid Id, OrderStatus Status, bool Refunded, long Version);

public sealed record OrderPage(int Page, int PageSize, long TotalOrders, IReadOnlyList<OrderSummary> Orders);

[MartenStore(typeof(IOrdersStore))]
public static class GetOrderEndpoints
{
    /// <summary>Now: the inline summary. With <c>?version=</c>/<c>?asOf=</c>: the order folded live up to that point.</summary>
    [WolverineGet("/api/orders/{id}", OperationId = "GetOrder")]
    [ProducesResponseType<OrderSummary>(StatusCodes.Status200OK)]
    public static async Task<OrderSummary> Get(Guid id, string? version, string? asOf, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        var point = PointInTime.Parse(version, asOf);
        var summary = await session.LoadAtAsync<OrderSummary>(id, point, "order",
            now => Caller.From(http.User).EnsureMayActFor(now.CustomerId, "order"), cancellation);

        ETags.Write(http.Response, summary.Version);
        return summary;
    }

    /// <summary>Customers see their own orders; admins see everyone's. Newest first.</summary>
    [WolverineGet("/api/orders", OperationId = "ListOrders")]
    [ProducesResponseType<OrderPage>(StatusCodes.Status200OK)]
    public static async Task<OrderPage> List(string? status, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);
        var caller = Caller.From(http.User);
        IQueryable<OrderSummary> query = session.Query<OrderSummary>();
        if (!caller.IsAdmin) query = query.Where(o => o.CustomerId == caller.AccountId);
        if (status is not null)
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var wanted) || int.TryParse(status, out _))
                throw RequestRefused.Invalid("status", $"status must be one of {string.Join(", ", Enum.GetNames<OrderStatus>()).ToLowerInvariant()}.");
            query = query.Where(o => o.Status == wanted);
        }

        var orders = await query.OrderByDescending(o => o.PlacedAt).ToPagedListAsync(p, size, cancellation);
        return new OrderPage(p, size, orders.TotalItemCount, orders.ToList());
    }

    [WolverineGet("/api/orders/{id}/events", OperationId = "GetOrderEvents")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK)]
    public static async Task<AuditPage> Events(Guid id, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);
        var summary = await session.LoadAsync<OrderSummary>(id, cancellation) ?? throw RequestRefused.NotFound("order", id);
        Caller.From(http.User).EnsureMayActFor(summary.CustomerId, "order");
        return (await session.AuditTrailAsync(id, p, size, cancellation))!;
    }
}
