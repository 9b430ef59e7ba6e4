using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Logging;
using ModularMonolith.Accounts.Contracts;
using Wolverine;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Paying;

/// <summary>Scheduled when an order is placed; cancels it if it is still waiting for its money.</summary>
public sealed record PaymentTimedOut(Guid OrderId);

/// <summary>
/// Steps 3 and 4: Accounts' answers and the payment timeout move a Pending order to Paid or Cancelled. Every decision
/// is a pure function of (order, message) and every handler is idempotent: a redelivered answer finds the order
/// already moved and changes nothing. Money always reconciles: a debit that arrives after the order was cancelled
/// (timeout, or the customer) is refunded.
/// </summary>
public static class Payments
{
    public const string TimedOutReason = "payment timed out";

    public static (object[] Events, object[] Messages) Debited(Order order, AccountDebitedForOrder debited, DateTimeOffset now) =>
        order switch
        {
            { Status: OrderStatus.Pending } =>
                ([new OrderPaid(order.Id, order.CustomerId, debited.Amount, order.Lines, now, order.Discount)], []),
            { Status: OrderStatus.Cancelled, Paid: false } =>
                ([], [new RefundAccountForOrder(debited.AccountId, order.Id, debited.Amount)]),
            _ => ([], [])
        };

    public static object[] Declined(Order order, AccountDebitForOrderDeclined declined, DateTimeOffset now) =>
        order.Status == OrderStatus.Pending
            ? [new OrderCancelled(order.Id, order.CustomerId, declined.Detail, false, order.Lines, now)]
            : [];

    public static object[] TimedOut(Order order, DateTimeOffset now) =>
        order.Status == OrderStatus.Pending
            ? [new OrderCancelled(order.Id, order.CustomerId, TimedOutReason, false, order.Lines, now)]
            : [];

    public static object[] Refunded(Order order, AccountRefundedForOrder refunded, DateTimeOffset now) =>
        order.Refunded ? [] : [new OrderRefunded(order.Id, order.CustomerId, refunded.Amount, now)];
}

/// <summary>Loads the order for a message handler; an answer about an order this module never placed is ignored.</summary>
internal static class OrderStreams
{
    public static async Task<IEventStream<Order>?> FetchAsync(IDocumentSession session, Guid orderId, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Order>(orderId, cancellation);
        return stream.Aggregate is null ? null : stream;
    }

    public static void Append(this IEventStream<Order> stream, object[] events)
    {
        if (events.Length > 0) stream.AppendMany(events);
    }
}

[MartenStore(typeof(IOrdersStore))]
public static class AccountDebitedForOrderHandler
{
    public static async Task<OutgoingMessages> Handle(AccountDebitedForOrder debited, IDocumentSession session,
        TimeProvider clock, CancellationToken cancellation)
    {
        if (await OrderStreams.FetchAsync(session, debited.OrderId, cancellation) is not { } stream) return [];
        var (events, messages) = Payments.Debited(stream.Aggregate!, debited, clock.GetUtcNow());
        stream.Append(events);
        var outgoing = new OutgoingMessages();
        outgoing.AddRange(messages);
        return outgoing;
    }
}

[MartenStore(typeof(IOrdersStore))]
public static class AccountDebitForOrderDeclinedHandler
{
    public static async Task Handle(AccountDebitForOrderDeclined declined, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        if (await OrderStreams.FetchAsync(session, declined.OrderId, cancellation) is { } stream)
            stream.Append(Payments.Declined(stream.Aggregate!, declined, clock.GetUtcNow()));
    }
}

[MartenStore(typeof(IOrdersStore))]
public static class PaymentTimedOutHandler
{
    public static async Task Handle(PaymentTimedOut timedOut, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        if (await OrderStreams.FetchAsync(session, timedOut.OrderId, cancellation) is { } stream)
            stream.Append(Payments.TimedOut(stream.Aggregate!, clock.GetUtcNow()));
    }
}

[MartenStore(typeof(IOrdersStore))]
public static class AccountRefundedForOrderHandler
{
    public static async Task Handle(AccountRefundedForOrder refunded, IDocumentSession session, TimeProvider clock,
        CancellationToken cancellation)
    {
        if (await OrderStreams.FetchAsync(session, refunded.OrderId, cancellation) is { } stream)
            stream.Append(Payments.Refunded(stream.Aggregate!, refunded, clock.GetUtcNow()));
    }
}

/// <summary>
/// A refund Accounts will not make is not something Orders can fix (e.g. it was never debited): it is logged, and the
/// order keeps its status. The money still reconciles, since nothing moved.
/// </summary>
[MartenStore(typeof(IOrdersStore))]
public static class AccountRefundForOrderDeclinedHandler
{
    public static void Handle(AccountRefundForOrderDeclined declined, ILogger<Order> logger) =>
        logger.LogWarning("Refund for order {OrderId} declined by account {AccountId}: {Detail}",
            declined.OrderId, declined.AccountId, declined.Detail);
}
