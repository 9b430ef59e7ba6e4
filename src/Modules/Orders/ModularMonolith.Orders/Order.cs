using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.Cart.Contracts;

namespace ModularMonolith.Orders;

public enum OrderStatus
{
    Pending,
    Paid,
    Shipped,
    Completed,
    Cancelled
}

/// <summary>
/// An order, from placement to delivery or cancellation: Pending → Paid → Shipped → Completed, or Cancelled from
/// Pending or Paid. Its id is the id of the cart it came from, so a redelivered checkout cannot place a second order:
/// the orders stream's primary key refuses it. State changes only in <c>Create</c>/<c>Apply</c>.
/// </summary>
public sealed record Order(
    Guid Id,
    Guid CustomerId,
    OrderStatus Status,
    IReadOnlyList<CheckedOutLine> Lines,
    decimal Total,
    bool Paid,
    bool Refunded,
    CheckedOutDiscount? Discount = null,
    DateTimeOffset? ShippedAt = null)
{
    public static Order Create(OrderPlaced e) =>
        new(e.OrderId, e.CustomerId, OrderStatus.Pending, e.Lines, e.Total, false, false, e.Discount);

    public Order Apply(OrderPaid _) => this with { Status = OrderStatus.Paid, Paid = true };
    public Order Apply(OrderCancelled _) => this with { Status = OrderStatus.Cancelled };
    public Order Apply(OrderRefunded _) => this with { Refunded = true };
    public Order Apply(OrderShipped e) => this with { Status = OrderStatus.Shipped, ShippedAt = e.ShippedAt };
    public Order Apply(OrderDelivered _) => this with { Status = OrderStatus.Completed };

    public static Order Fold(Order? state, object @event) => (state, @event) switch
    {
        (null, OrderPlaced e) => Create(e),
        (null, _) => throw new InvalidOperationException($"An order stream must start with {nameof(OrderPlaced)}."),
        (_, OrderPaid e) => state.Apply(e),
        (_, OrderCancelled e) => state.Apply(e),
        (_, OrderRefunded e) => state.Apply(e),
        (_, OrderShipped e) => state.Apply(e),
        (_, OrderDelivered e) => state.Apply(e),
        _ => state
    };

    public RuleViolation Illegal(string action) =>
        new($"order {Id} is {Status.ToString().ToLowerInvariant()}: it cannot be {action}.",
            new Dictionary<string, object?> { ["orderStatus"] = Status.ToString().ToLowerInvariant() });
}

// The order's events. Each names the customer, so per-customer projections need no lookup.

public sealed record OrderPlaced(Guid OrderId, Guid CustomerId, IReadOnlyList<CheckedOutLine> Lines,
    CheckedOutDiscount? Discount, decimal Total, DateTimeOffset PlacedAt);

/// <summary>
/// <see cref="Discount"/> (the amount actually taken off, and the sku it names) is carried from the placement so reports
/// can allot it; events stored before it existed have none, and reports find it from the order (DailySales).
/// </summary>
public sealed record OrderPaid(Guid OrderId, Guid CustomerId, decimal Amount, IReadOnlyList<CheckedOutLine> Lines, DateTimeOffset PaidAt,
    CheckedOutDiscount? Discount = null);

/// <summary><see cref="Discount"/> as in <see cref="OrderPaid"/>: what a refund of a paid order gives back is lines − discount.</summary>
public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, string Reason, bool WasPaid,
    IReadOnlyList<CheckedOutLine> Lines, DateTimeOffset CancelledAt, CheckedOutDiscount? Discount = null);

public sealed record OrderRefunded(Guid OrderId, Guid CustomerId, decimal Amount, DateTimeOffset RefundedAt);

public sealed record OrderShipped(Guid OrderId, Guid CustomerId, DateTimeOffset ShippedAt);

public sealed record OrderDelivered(Guid OrderId, Guid CustomerId, DateOnly DeliveredOn, DateTimeOffset RecordedAt);
