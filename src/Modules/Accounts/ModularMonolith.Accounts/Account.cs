using ModularMonolith.Accounts.OpeningAccount;

namespace ModularMonolith.Accounts;

public enum AccountStatus
{
    Open,
    Closed
}

/// <summary>
/// A customer's account: who they are and the money they hold. State is a fold over the account's events;
/// it changes only in <c>Create</c>/<c>Apply</c>. Decisions live beside the use case that makes them
/// (e.g. <see cref="OpenAccount"/>) as functions of (state, command) → events.
/// </summary>
public sealed record Account(Guid Id, string Name, string Email, string Phone, decimal Balance, AccountStatus Status)
{
    public static Account Create(AccountOpened opened) =>
        new(opened.AccountId, opened.Name, opened.Email, opened.Phone, 0m, AccountStatus.Open);
}
