using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.OpeningAccount;

namespace ModularMonolith.Accounts.Tests;

/// <summary>Given events, the account they fold into: the starting point of every pure aggregate test.</summary>
public static class Given
{
    public static readonly Guid AccountId = Guid.Parse("0199a1b2-0000-7000-8000-000000000001");
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static AccountOpened Opened => new(AccountId, "Ada", "ada@example.com", "+442079460958", Now);

    public static FundsDeposited Deposited(decimal amount) => new(AccountId, amount, null, Now);

    public static Account Account(params object[] events) =>
        new object[] { Opened }.Concat(events).Aggregate((Account?)null, Accounts.Account.Fold)!;
}
