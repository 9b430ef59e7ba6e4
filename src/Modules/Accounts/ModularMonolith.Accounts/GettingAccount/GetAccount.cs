using Marten;
using Marten.Events.Aggregation;
using JasperFx;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.GettingAccount;

/// <summary>
/// The account as its owner sees it, kept by an inline projection: written in the same transaction as the
/// events, so a read right after a write sees it. <see cref="Version"/> is the stream version (the ETag).
/// </summary>
public sealed class AccountDetails : IRevisioned
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Phone { get; set; } = "";
    public decimal Balance { get; set; }
    public AccountStatus Status { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public int Version { get; set; }
}

public sealed class AccountDetailsProjection : SingleStreamProjection<AccountDetails, Guid>
{
    public static AccountDetails Create(AccountOpened opened) => new()
    {
        Id = opened.AccountId,
        Name = opened.Name,
        Email = opened.Email,
        Phone = opened.Phone,
        Status = AccountStatus.Open,
        OpenedAt = opened.OpenedAt
    };
}

[MartenStore(typeof(IAccountsStore))]
public static class GetAccountEndpoint
{
    [WolverineGet("/api/accounts/{id}", OperationId = "GetAccount")]
    [ProducesResponseType<AccountDetails>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken cancellation)
    {
        var caller = Caller.From(http.User);
        if (!caller.MayActFor(id)) return Results.Problem(statusCode: 403, title: "This account is not yours.");

        var account = await session.LoadAsync<AccountDetails>(id, cancellation);
        if (account is null) return Results.Problem(statusCode: 404, title: "No such account.", detail: $"No account {id}.");

        ETags.Write(http.Response, account.Version);
        return Results.Ok(account);
    }
}
