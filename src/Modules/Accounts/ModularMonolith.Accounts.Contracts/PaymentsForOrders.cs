namespace ModularMonolith.Accounts.Contracts;

// The Accounts module's public surface: what other modules may ask of it, and what it answers.
// Both requests are idempotent per order: asking twice for the same order changes the balance once and gets the same
// answer, because the account remembers which orders it has debited, declined and refunded.

/// <summary>Take <paramref name="Amount"/> from the account to pay for an order.</summary>
public sealed record DebitAccountForOrder(Guid AccountId, Guid OrderId, decimal Amount);

/// <summary>The account paid for the order.</summary>
public sealed record AccountDebitedForOrder(Guid AccountId, Guid OrderId, decimal Amount);

/// <summary>The account did not pay for the order, and never will for this order id.</summary>
public sealed record AccountDebitForOrderDeclined(Guid AccountId, Guid OrderId, decimal Amount, PaymentDeclineReason Reason, string Detail);

/// <summary>Give back to the account what it paid for an order.</summary>
public sealed record RefundAccountForOrder(Guid AccountId, Guid OrderId, decimal Amount);

/// <summary>The account was credited back for the order.</summary>
public sealed record AccountRefundedForOrder(Guid AccountId, Guid OrderId, decimal Amount);

/// <summary>The refund was not made (e.g. the order was never paid from this account).</summary>
public sealed record AccountRefundForOrderDeclined(Guid AccountId, Guid OrderId, decimal Amount, PaymentDeclineReason Reason, string Detail);

public enum PaymentDeclineReason
{
    InsufficientFunds,
    AccountClosed,
    UnknownAccount,
    InvalidAmount,
    NotDebited,
    RefundExceedsDebit
}
