using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PersonalData;

namespace ModularMonolith.Accounts.Tests;

/// <summary>Given events, the account they fold into: the starting point of every pure aggregate test.</summary>
public static class Given
{
    public static readonly Guid AccountId = Guid.Parse("0199a1b2-0000-7000-8000-000000000001");
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The account's personal-data key: what its events are sealed with.</summary>
    public static readonly PersonalDataKey Key = PersonalDataKey.New(AccountId);

    /// <summary>Sealed once: each sealing draws a new nonce, and a history must compare equal to itself.</summary>
    public static readonly AccountOpened Opened = new(AccountId, Key.Seal("Ada"), Key.Seal("ada@example.com"), Key.Seal("+442079460958"), Now);

    /// <summary>What a sealed text opens to under <see cref="Key"/>.</summary>
    public static string? Open(SealedText? text) => PersonalDataKey.Reveal(Key, text);

    public static FundsDeposited Deposited(decimal amount) => new(AccountId, amount, null, Now);

    public static Account Account(params object[] events) =>
        new object[] { Opened }.Concat(events).Aggregate((Account?)null, Accounts.Account.Fold)!;
}
