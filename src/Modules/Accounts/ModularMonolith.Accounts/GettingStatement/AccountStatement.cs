using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.ErasingPersonalData;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Accounts.Withdrawing;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingStatement;

public enum MovementKind
{
    Deposit,
    Withdrawal,
    OrderDebit,
    OrderRefund
}

/// <summary>
/// One money movement: signed amount (negative takes money out) and the balance right after it. In the stored document
/// the reference is still sealed (<see cref="SealedText.Stored"/>); the endpoint opens it with the account's key.
/// </summary>
public sealed record StatementLine(long Version, MovementKind Kind, decimal Amount, decimal BalanceAfter,
    Guid? OrderId, string? Reference, DateTimeOffset At);

/// <summary>
/// Every money movement of an account in order, with a running balance. A reporting view: built by an async
/// projection in the async daemon, so it trails the writes by a moment and costs the write path nothing. It holds no
/// clear personal data: references stay sealed, and an erasure drops even the ciphertext.
/// </summary>
public sealed class AccountStatement
{
    public Guid Id { get; set; }
    public decimal Balance { get; set; }
    public List<StatementLine> Lines { get; set; } = [];

    public void Record(IEvent e, MovementKind kind, decimal signedAmount, Guid? orderId, SealedText? reference, DateTimeOffset at)
    {
        Balance += signedAmount;
        Lines.Add(new StatementLine(e.Version, kind, signedAmount, Balance, orderId, reference?.Stored, at));
    }

    public void Erase() =>
        Lines = Lines.Select(l => l.Reference is null ? l : l with { Reference = SealedText.Erased.Stored }).ToList();
}

public sealed class AccountStatementProjection : SingleStreamProjection<AccountStatement, Guid>
{
    public AccountStatementProjection() => Name = "AccountStatement";

    public static AccountStatement Create(AccountOpened opened) => new() { Id = opened.AccountId };

    public void Apply(AccountStatement s, IEvent<FundsDeposited> e) =>
        s.Record(e, MovementKind.Deposit, e.Data.Amount, null, e.Data.Reference, e.Data.DepositedAt);

    public void Apply(AccountStatement s, IEvent<FundsWithdrawn> e) =>
        s.Record(e, MovementKind.Withdrawal, -e.Data.Amount, null, e.Data.Reference, e.Data.WithdrawnAt);

    public void Apply(AccountStatement s, IEvent<OrderPaymentDebited> e) =>
        s.Record(e, MovementKind.OrderDebit, -e.Data.Amount, e.Data.OrderId, null, e.Data.DebitedAt);

    public void Apply(AccountStatement s, IEvent<OrderPaymentRefunded> e) =>
        s.Record(e, MovementKind.OrderRefund, e.Data.Amount, e.Data.OrderId, null, e.Data.RefundedAt);

    public void Apply(AccountStatement s, PersonalDataErased _) => s.Erase();
}

public sealed record StatementPage(Guid AccountId, decimal Balance, int Page, int PageSize, int TotalLines,
    IReadOnlyList<StatementLine> Lines);

[MartenStore(typeof(IAccountsStore))]
public static class GetStatementEndpoint
{
    [WolverineGet("/api/accounts/{id}/statement", OperationId = "GetAccountStatement")]
    [ProducesResponseType<StatementPage>(StatusCodes.Status200OK)]
    public static async Task<StatementPage> Get(Guid id, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);

        var statement = await session.LoadAsync<AccountStatement>(id, cancellation);
        if (statement is null)
        {
            // Opened a moment ago and not projected yet: an empty statement, not a missing account.
            if (await session.LoadAsync<Account>(id, cancellation) is null) throw RequestRefused.NotFound("account", id);
            statement = new AccountStatement { Id = id };
        }

        using var references = PersonalDataKey.Revealing(await PersonalDataKey.LoadAsync(session, id, cancellation));
        var lines = statement.Lines.Skip((p - 1) * size).Take(size)
            .Select(l => l.Reference is null ? l : l with { Reference = references.Reveal(new SealedText(l.Reference)) })
            .ToList();
        return new StatementPage(id, statement.Balance, p, size, statement.Lines.Count, lines);
    }
}
