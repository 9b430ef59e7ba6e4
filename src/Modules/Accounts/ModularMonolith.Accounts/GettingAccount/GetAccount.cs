using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingAccount;

/// <summary>The account as its owner sees it. <see cref="Version"/> is the stream version, also sent as the ETag.</summary>
public sealed record AccountView(
    Guid Id,
    string Name,
    string Email,
    string Phone,
    decimal Balance,
    AccountStatus Status,
    DateTimeOffset OpenedAt,
    long Version)
{
    public static AccountView Of(Account account) => new(account.Id, account.Name, account.Email, account.Phone,
        account.Balance, account.Status, account.OpenedAt, account.Version);
}

[MartenStore(typeof(IAccountsStore))]
public static class GetAccountEndpoint
{
    /// <summary>
    /// Now: the inline snapshot, as fresh as the last write. With <c>?version=N</c> or <c>?asOf=instant</c>: the
    /// account as it was then, folded live from its events up to that point (Marten's AggregateStreamAsync).
    /// </summary>
    [WolverineGet("/api/accounts/{id}", OperationId = "GetAccount")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static async Task<AccountView> Get(Guid id, string? version, string? asOf, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var point = PointInTime.Parse(version, asOf);

        // Ownership is by id, checked above, before the account's existence is told.
        var account = await session.LoadAtAsync<Account>(id, point, "account", static _ => { }, cancellation);

        ETags.Write(http.Response, account.Version);
        return AccountView.Of(account);
    }
}
