using Marten;
using Microsoft.AspNetCore.Http;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.EventSourcing;

namespace ModularMonolith.Accounts;

/// <summary>Every HTTP write on an account: the shared write flow, answered with the account's new state.</summary>
internal static class AccountWrites
{
    public static async Task<AccountView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<Account, object[]> decide, CancellationToken cancellation)
    {
        var (state, version) = await session.DecideAsync(id, http, "account", account => account.Id, decide,
            Account.Fold, cancellation);
        return AccountView.Of(state) with { Version = version };
    }
}
