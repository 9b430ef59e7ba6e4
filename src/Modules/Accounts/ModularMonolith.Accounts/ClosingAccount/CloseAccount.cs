using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.Domain;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.ClosingAccount;

/// <summary>The account was closed. It then refuses deposits, withdrawals, debits and contact changes.</summary>
public sealed record AccountClosed(Guid AccountId, DateTimeOffset ClosedAt);

[MartenStore(typeof(IAccountsStore))]
public static class CloseAccountEndpoint
{
    public static AccountClosed Decide(Account account, DateTimeOffset now)
    {
        if (account.IsClosed) throw new RuleViolation($"account {account.Id} is already closed.");
        if (account.Balance != 0)
            throw new RuleViolation(
                $"account {account.Id} still holds {Money.Format(account.Balance)}: only an account with a zero balance can be closed.",
                new Dictionary<string, object?> { ["balance"] = account.Balance });
        return new AccountClosed(account.Id, now);
    }

    /// <summary>No body: closing takes nothing but the account (and, optionally, its ETag in If-Match).</summary>
    [WolverinePost("/api/accounts/{id}/closure", OperationId = "CloseAccount")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Post(Guid id, IDocumentSession session, HttpContext http, TimeProvider clock,
        CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, account => [Decide(account, clock.GetUtcNow())], cancellation);
}
