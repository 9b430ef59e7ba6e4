using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingStatement;

public sealed record StatementPage(Guid AccountId, decimal Balance, int Page, int PageSize, int TotalLines,
    IReadOnlyList<StatementLine> Lines);

[MartenStore(typeof(IAccountsStore))]
public static class GetStatementEndpoint
{
    /// <summary>
    /// One page of the statement in one round trip: the head (balance, line count), the account's key and the page's
    /// rows, found by position in the (account, position) index. What it reads does not grow with the history.
    /// </summary>
    [WolverineGet("/api/accounts/{id}/statement", OperationId = "GetAccountStatement")]
    [ProducesResponseType<StatementPage>(StatusCodes.Status200OK)]
    public static async Task<StatementPage> Get(Guid id, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);
        // Positions are ints; a page past int.MaxValue lines is empty either way.
        var first = (int)Math.Min(int.MaxValue, (long)(p - 1) * size);
        var last = (int)Math.Min(int.MaxValue, (long)p * size);

        var batch = session.CreateBatchQuery();
        var head = batch.Load<AccountStatement>(id);
        var key = batch.Load<PersonalDataKey>(id);
        var rows = batch.Query<StatementEntry>()
            .Where(e => e.AccountId == id && e.Position > first && e.Position <= last)
            .OrderBy(e => e.Position).ToList();
        await batch.Execute(cancellation);

        var statement = await head;
        if (statement is null)
        {
            // Opened a moment ago and not projected yet: an empty statement, not a missing account.
            if (await session.LoadAsync<Account>(id, cancellation) is null) throw RequestRefused.NotFound("account", id);
            statement = new AccountStatement { Id = id };
        }

        using var references = PersonalDataKey.Revealing(await key);
        var lines = (await rows)
            .Select(r => new StatementLine(r.Version, r.Kind, r.Amount, r.BalanceAfter, r.OrderId,
                r.Reference is null ? null : references.Reveal(new SealedText(r.Reference)), r.At))
            .ToList();
        return new StatementPage(id, statement.Balance, p, size, statement.LineCount, lines);
    }
}
