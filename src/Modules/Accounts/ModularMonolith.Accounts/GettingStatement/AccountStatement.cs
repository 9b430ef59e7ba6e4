using ModularMonolith.Accounts.PersonalData;

namespace ModularMonolith.Accounts.GettingStatement;

public enum MovementKind
{
    Deposit,
    Withdrawal,
    OrderDebit,
    OrderRefund
}

/// <summary>
/// One money movement as the API shows it: signed amount (negative takes money out) and the balance right after it.
/// </summary>
public sealed record StatementLine(long Version, MovementKind Kind, decimal Amount, decimal BalanceAfter,
    Guid? OrderId, string? Reference, DateTimeOffset At);

/// <summary>
/// The head of an account's statement: its balance and how many movements it has. A reporting view, built by the async
/// <see cref="AccountStatementProjection"/>, so it trails the writes by a moment and costs the write path nothing. It
/// stays a few dozen bytes however long the history: the movements are rows of their own (<see cref="StatementEntry"/>),
/// because one document holding them all was read and rewritten whole at every daemon batch and every page read, and
/// grew the host's memory with the history (#13, docs/adr/0017).
/// </summary>
public sealed class AccountStatement
{
    public Guid Id { get; set; }
    public decimal Balance { get; set; }
    public int LineCount { get; set; }
}

/// <summary>
/// One movement of one account, numbered from 1 in order (<see cref="Position"/>), so page n of size s is the rows
/// ((n-1)·s, n·s] of the index on (account, position), whatever the history's length. The reference stays sealed
/// (<see cref="SealedText.Stored"/>); the endpoint opens it with the account's key, and an erasure drops it.
/// </summary>
public sealed class StatementEntry
{
    /// <summary>"{account}/{position}": the same movement always lands on the same row, so a replayed batch rewrites it.</summary>
    public string Id { get; set; } = "";
    public Guid AccountId { get; set; }
    public int Position { get; set; }
    public long Version { get; set; }
    public MovementKind Kind { get; set; }
    public decimal Amount { get; set; }
    public decimal BalanceAfter { get; set; }
    public Guid? OrderId { get; set; }
    public string? Reference { get; set; }
    public DateTimeOffset At { get; set; }

    public static string IdOf(Guid accountId, int position) => $"{accountId}/{position}";
}
