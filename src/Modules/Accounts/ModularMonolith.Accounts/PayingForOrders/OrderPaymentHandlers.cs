using Marten;
using ModularMonolith.Accounts.Contracts;
using Wolverine;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.PayingForOrders;

/// <summary>
/// Debits and refunds asked for by other modules, arriving on durable local queues. The events and the answer commit
/// in one transaction (the answer goes through the outbox), with the order's <see cref="OrderPayment"/> row (an inline
/// projection of those events). A concurrent write to the same account makes the append fail its version check, and
/// Wolverine retries the message (see the host's retry policy): the retry reads the row the winner committed, under the
/// stream's row lock (<see cref="Fetch"/>), so the retries of a busy account queue instead of racing again until their
/// retries run out and the payment lands in the dead letters (ADR 0010 does the same for HTTP writes). Every append
/// locks the stream row before it writes (ADR 0016), so a retry holding the row cannot deadlock with first tries.
/// </summary>
[MartenStore(typeof(IAccountsStore))]
public static class DebitAccountForOrderHandler
{
    public static async Task<OutgoingMessages> Handle(DebitAccountForOrder request, IDocumentSession session,
        Envelope envelope, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await Fetch(session, envelope, request.AccountId, cancellation);
        if (stream.Aggregate is null)
            return [new AccountDebitForOrderDeclined(request.AccountId, request.OrderId, request.Amount,
                PaymentDeclineReason.UnknownAccount, $"there is no account {request.AccountId}.")];

        var payment = await OrderPayment.LoadAsync(session, request.AccountId, request.OrderId, cancellation);
        var (events, reply) = OrderPayments.Debit(stream.Aggregate, payment, request, clock.GetUtcNow());
        if (events.Length > 0) stream.AppendMany(events);
        return [reply];
    }

    /// <summary>The first attempt reads optimistically; a retry (it lost a race) reads under the account's row lock.</summary>
    internal static Task<JasperFx.Events.IEventStream<Account>> Fetch(IDocumentSession session, Envelope envelope,
        Guid accountId, CancellationToken cancellation) =>
        envelope.Attempts > 1
            ? session.Events.FetchForExclusiveWriting<Account>(accountId, cancellation)
            : session.Events.FetchForWriting<Account>(accountId, cancellation);
}

[MartenStore(typeof(IAccountsStore))]
public static class RefundAccountForOrderHandler
{
    public static async Task<OutgoingMessages> Handle(RefundAccountForOrder request, IDocumentSession session,
        Envelope envelope, TimeProvider clock, CancellationToken cancellation)
    {
        var stream = await DebitAccountForOrderHandler.Fetch(session, envelope, request.AccountId, cancellation);
        if (stream.Aggregate is null)
            return [new AccountRefundForOrderDeclined(request.AccountId, request.OrderId, request.Amount,
                PaymentDeclineReason.UnknownAccount, $"there is no account {request.AccountId}.")];

        var payment = await OrderPayment.LoadAsync(session, request.AccountId, request.OrderId, cancellation);
        var (events, reply) = OrderPayments.Refund(stream.Aggregate, payment, request, clock.GetUtcNow());
        if (events.Length > 0) stream.AppendMany(events);
        return [reply];
    }
}
