using ModularMonolith.Accounts.Contracts;

namespace ModularMonolith.Accounts.PayingForOrders;

/// <summary>The account paid for an order.</summary>
public sealed record OrderPaymentDebited(Guid AccountId, Guid OrderId, decimal Amount, DateTimeOffset DebitedAt);

/// <summary>The account refused to pay for an order; asked again, it gives the same answer.</summary>
public sealed record OrderPaymentDeclined(Guid AccountId, Guid OrderId, decimal Amount, PaymentDeclineReason Reason,
    string Detail, DateTimeOffset DeclinedAt);

/// <summary>The account got back what it paid for an order.</summary>
public sealed record OrderPaymentRefunded(Guid AccountId, Guid OrderId, decimal Amount, DateTimeOffset RefundedAt);

/// <summary>
/// The decisions behind <see cref="DebitAccountForOrder"/> and <see cref="RefundAccountForOrder"/>: pure functions of
/// the account, what it did about the order so far (<see cref="OrderPayment"/>) and the request, returning the events
/// to append (maybe none) and the answer to send. Idempotent by construction: an order already debited, declined or
/// refunded gets its first answer again and changes nothing.
/// </summary>
public static class OrderPayments
{
    public static (object[] Events, object Reply) Debit(Account account, OrderPayment payment, DebitAccountForOrder request,
        DateTimeOffset now)
    {
        if (payment.Debited is { } paid)
            return ([], new AccountDebitedForOrder(account.Id, request.OrderId, paid));
        if (payment.Declined is { } declined)
            return ([], DeclinedReply(declined));

        var refusal = Money.Problem(request.Amount) is { } problem ? (PaymentDeclineReason.InvalidAmount, problem)
            : account.IsClosed ? (PaymentDeclineReason.AccountClosed, $"account {account.Id} is closed.")
            : account.Balance < request.Amount ? (PaymentDeclineReason.InsufficientFunds,
                $"insufficient funds: balance {Money.Format(account.Balance)}, requested {Money.Format(request.Amount)}.")
            : ((PaymentDeclineReason, string)?)null;

        if (refusal is var (reason, detail))
        {
            var decline = new OrderPaymentDeclined(account.Id, request.OrderId, request.Amount, reason, detail, now);
            return ([decline], DeclinedReply(decline));
        }

        return ([new OrderPaymentDebited(account.Id, request.OrderId, request.Amount, now)],
            new AccountDebitedForOrder(account.Id, request.OrderId, request.Amount));
    }

    public static (object[] Events, object Reply) Refund(Account account, OrderPayment payment, RefundAccountForOrder request,
        DateTimeOffset now)
    {
        if (payment.Refunded is { } refunded)
            return ([], new AccountRefundedForOrder(account.Id, request.OrderId, refunded));

        (PaymentDeclineReason Reason, string Detail)? refusal =
            payment.Debited is not { } paid
                ? (PaymentDeclineReason.NotDebited, $"order {request.OrderId} was never paid from account {account.Id}.")
            : Money.Problem(request.Amount) is { } problem ? (PaymentDeclineReason.InvalidAmount, problem)
            : request.Amount > paid ? (PaymentDeclineReason.RefundExceedsDebit,
                $"refund {Money.Format(request.Amount)} exceeds the {Money.Format(paid)} paid for order {request.OrderId}.")
            : null;

        // A closed account still takes refunds: the money is the customer's, and a refund can only follow a debit
        // that happened while the account was open.
        return refusal is var (reason, detail)
            ? ([], new AccountRefundForOrderDeclined(account.Id, request.OrderId, request.Amount, reason, detail))
            : ([new OrderPaymentRefunded(account.Id, request.OrderId, request.Amount, now)],
                new AccountRefundedForOrder(account.Id, request.OrderId, request.Amount));
    }

    private static AccountDebitForOrderDeclined DeclinedReply(OrderPaymentDeclined declined) =>
        new(declined.AccountId, declined.OrderId, declined.Amount, declined.Reason, declined.Detail);
}
