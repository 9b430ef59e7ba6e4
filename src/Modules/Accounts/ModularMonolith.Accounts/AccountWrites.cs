using Marten;
using Microsoft.AspNetCore.Http;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Identity;

namespace ModularMonolith.Accounts;

/// <summary>
/// The shape of every HTTP write on an account: the caller must own it (403), If-Match must name its version (412),
/// it must exist (404); then the use case decides, its events are appended, and the answer is the new state with its
/// new ETag. Wolverine commits the session after the endpoint returns (AutoApplyTransactions).
/// </summary>
internal static class AccountWrites
{
    public static async Task<AccountView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<Account, object[]> decide, CancellationToken cancellation)
    {
        Caller.From(http.User).EnsureMayActFor(id, "account");
        var stream = await session.FetchForWritingAsync<Account>(id, http.Request, "account", cancellation);

        var events = decide(stream.Aggregate!);
        if (events.Length > 0) stream.AppendMany(events);

        var state = events.Aggregate(stream.Aggregate!, Account.Fold);
        state.Version = (int)(stream.CurrentVersion ?? stream.StartingVersion ?? 0);
        stream.WriteETag(http.Response);
        return AccountView.Of(state);
    }
}
