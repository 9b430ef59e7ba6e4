using ModularMonolith.Accounts.ChangingContactDetails;
using ModularMonolith.Accounts.ClosingAccount;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.ErasingPersonalData;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.PersonalData;
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
/// see every write and writes load one document instead of replaying the stream. Name, email and phone stay sealed
/// here as in the events (<see cref="SealedText"/>): only the views open them, with the account's key.
/// </summary>
public sealed record Account(
    Guid Id,
    SealedText Name,
    SealedText Email,
    SealedText Phone,
    decimal Balance,
    AccountStatus Status,
    DateTimeOffset OpenedAt)
{
    /// <summary>The stream version this state reflects; Marten sets it. It is the account's ETag.</summary>
    public int Version { get; set; }

    /// <summary>When the customer's personal data was erased (<see cref="PersonalDataErased"/>); null while it is kept.</summary>
    public DateTimeOffset? PersonalDataErasedAt { get; init; }

    public bool IsClosed => Status == AccountStatus.Closed;
    public bool IsErased => PersonalDataErasedAt is not null;

    public static Account Create(AccountOpened opened) =>
        new(opened.AccountId, opened.Name, opened.Email, opened.Phone, 0m, AccountStatus.Open, opened.OpenedAt);

    public Account Apply(FundsDeposited e) => this with { Balance = Balance + e.Amount };
    public Account Apply(FundsWithdrawn e) => this with { Balance = Balance - e.Amount };
    public Account Apply(ContactDetailsChanged e) => this with { Email = e.Email, Phone = e.Phone };
    public Account Apply(AccountClosed _) => this with { Status = AccountStatus.Closed };
    public Account Apply(PersonalDataErased e) => this with
    {
        Name = SealedText.Erased, Email = SealedText.Erased, Phone = SealedText.Erased, PersonalDataErasedAt = e.ErasedAt
    };

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
        (_, PersonalDataErased e) => state.Apply(e),
        (_, OrderPaymentDebited e) => state.Apply(e),
        (_, OrderPaymentDeclined e) => state.Apply(e),
        (_, OrderPaymentRefunded e) => state.Apply(e),
        _ => state
    };
}
