using Marten;
using Marten.Events.Projections;

namespace ModularMonolith.Accounts.PayingForOrders;

/// <summary>
/// What one account did about one order: debited it, declined it, refunded it. This memory is what makes paying for an
/// order idempotent, and it lives in a row of its own per (account, order) — <c>accounts.mt_doc_orderpayment</c> —
/// rather than in the <see cref="Account"/> document, which would otherwise grow with every order the account ever
/// paid for and be rewritten whole by every write. It is an inline projection of the account's payment events, so it
/// commits with them and is rebuilt from them (<c>rebuild --module accounts --projection OrderPayment</c>).
/// </summary>
public sealed class OrderPayment
{
    public string Id { get; set; } = "";
    public Guid AccountId { get; set; }
    public Guid OrderId { get; set; }
    public decimal? Debited { get; set; }
    public OrderPaymentDeclined? Declined { get; set; }
    public decimal? Refunded { get; set; }

    public static string IdOf(Guid accountId, Guid orderId) => $"{accountId}/{orderId}";

    /// <summary>An order the account has done nothing about yet.</summary>
    public static OrderPayment None(Guid accountId, Guid orderId) =>
        new() { Id = IdOf(accountId, orderId), AccountId = accountId, OrderId = orderId };

    public static async Task<OrderPayment> LoadAsync(IQuerySession session, Guid accountId, Guid orderId,
        CancellationToken cancellation) =>
        await session.LoadAsync<OrderPayment>(IdOf(accountId, orderId), cancellation) ?? None(accountId, orderId);

    /// <summary>The same fold as the projection, over events held as objects (tests): those of this account and order.</summary>
    public static OrderPayment Of(Guid accountId, Guid orderId, IEnumerable<object> events)
    {
        var payment = None(accountId, orderId);
        foreach (var e in events) payment.Apply(e);
        return payment;
    }

    public void Apply(object @event)
    {
        switch (@event)
        {
            case OrderPaymentDebited e when Is(e.AccountId, e.OrderId): Debited = e.Amount; break;
            case OrderPaymentDeclined e when Is(e.AccountId, e.OrderId): Declined = e; break;
            case OrderPaymentRefunded e when Is(e.AccountId, e.OrderId): Refunded = e.Amount; break;
        }
    }

    private bool Is(Guid accountId, Guid orderId) => accountId == AccountId && orderId == OrderId;
}

public sealed class OrderPaymentProjection : MultiStreamProjection<OrderPayment, string>
{
    public OrderPaymentProjection()
    {
        Name = "OrderPayment";
        Identity<OrderPaymentDebited>(e => OrderPayment.IdOf(e.AccountId, e.OrderId));
        Identity<OrderPaymentDeclined>(e => OrderPayment.IdOf(e.AccountId, e.OrderId));
        Identity<OrderPaymentRefunded>(e => OrderPayment.IdOf(e.AccountId, e.OrderId));
    }

    public OrderPayment Create(OrderPaymentDebited e) => Start(e.AccountId, e.OrderId, e);
    public OrderPayment Create(OrderPaymentDeclined e) => Start(e.AccountId, e.OrderId, e);
    public OrderPayment Create(OrderPaymentRefunded e) => Start(e.AccountId, e.OrderId, e);

    public void Apply(OrderPayment payment, OrderPaymentDebited e) => payment.Apply(e);
    public void Apply(OrderPayment payment, OrderPaymentDeclined e) => payment.Apply(e);
    public void Apply(OrderPayment payment, OrderPaymentRefunded e) => payment.Apply(e);

    private static OrderPayment Start(Guid accountId, Guid orderId, object e)
    {
        var payment = OrderPayment.None(accountId, orderId);
        payment.Apply(e);
        return payment;
    }
}
