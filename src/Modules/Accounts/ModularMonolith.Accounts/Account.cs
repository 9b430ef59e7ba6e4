using ModularMonolith.Accounts.ChangingContactDetails;
using ModularMonolith.Accounts.ClosingAccount;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.Withdrawing;

namespace ModularMonolith.Accounts;

public enum AccountStatus
{
    Open,
    Closed
}

/// <summary>
/// A customer's account: who they are and the money they hold, never below zero. State is a fold over the
/// account's events and changes only in <c>Create</c>/<c>Apply</c>. Decisions live beside the use case that makes
/// them (e.g. <see cref="DepositFundsEndpoint.Decide"/>), as functions of (state, command) → events.
/// What it did about each order it was asked to pay lives beside it, a row per (account, order)
/// (<see cref="OrderPayment"/>), so this document stays the same size however many orders the account pays for.
/// It is also its own inline snapshot (AccountsModule): stored in the transaction that appends its events, so reads
/// see every write, writes load one document instead of replaying the stream, and the unique email index sits on it.
/// </summary>
public sealed record Account(
    Guid Id,
    string Name,
    string Email,
    string Phone,
    decimal Balance,
    AccountStatus Status,
    DateTimeOffset OpenedAt)
{
    /// <summary>The stream version this state reflects; Marten sets it. It is the account's ETag.</summary>
    public int Version { get; set; }

    public bool IsClosed => Status == AccountStatus.Closed;

    /// <summary>
    /// The email as uniqueness compares it (<see cref="ContactRules.EmailKey"/>); the unique index sits on this, not on
    /// the email. Computed on read, so it holds for accounts opened before it existed (once their snapshots are rebuilt).
    /// </summary>
    public string EmailKey => ContactRules.EmailKey(Email);

    public static Account Create(AccountOpened opened) =>
        new(opened.AccountId, opened.Name, opened.Email, opened.Phone, 0m, AccountStatus.Open, opened.OpenedAt);

    public Account Apply(FundsDeposited e) => this with { Balance = Balance + e.Amount };
    public Account Apply(FundsWithdrawn e) => this with { Balance = Balance - e.Amount };
    public Account Apply(ContactDetailsChanged e) => this with { Email = e.Email, Phone = e.Phone };
    public Account Apply(AccountClosed _) => this with { Status = AccountStatus.Closed };

    public Account Apply(OrderPaymentDebited e) => this with { Balance = Balance - e.Amount };
    public Account Apply(OrderPaymentDeclined _) => this;
    public Account Apply(OrderPaymentRefunded e) => this with { Balance = Balance + e.Amount };

    /// <summary>The same fold, for callers that hold events as objects (time travel, tests).</summary>
    public static Account Fold(Account? state, object @event) => (state, @event) switch
    {
        (null, AccountOpened e) => Create(e),
        (null, _) => throw new InvalidOperationException($"An account stream must start with {nameof(AccountOpened)}."),
        (_, FundsDeposited e) => state.Apply(e),
        (_, FundsWithdrawn e) => state.Apply(e),
        (_, ContactDetailsChanged e) => state.Apply(e),
        (_, AccountClosed e) => state.Apply(e),
        (_, OrderPaymentDebited e) => state.Apply(e),
        (_, OrderPaymentDeclined e) => state.Apply(e),
        (_, OrderPaymentRefunded e) => state.Apply(e),
        _ => state
    };
}
