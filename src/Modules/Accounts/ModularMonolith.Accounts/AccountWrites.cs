using Marten;
using Microsoft.AspNetCore.Http;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.EventSourcing;

namespace ModularMonolith.Accounts;

/// <summary>
/// Every HTTP write on an account: the shared write flow, answered with the account's new state. The decision gets the
/// account's personal-data key (null once erased) to seal what it writes and open what it compares.
/// </summary>
internal static class AccountWrites
{
    public static async Task<AccountView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<Account, PersonalDataKey?, object[]> decide, CancellationToken cancellation)
    {
        PersonalDataKey? key = null;
        // The key is read with the account, in the same round trip (a Marten batch, docs/adr/0012).
        var (state, version) = await session.DecideAsync<Account, PersonalDataKey?>(id, http, "account",
            account => account.Id, batch => batch.Load<PersonalDataKey>(id), (account, stored) =>
            {
                key = stored;
                // An account opened before #15 has no key until seal-personal-data runs: its first write gets one, so
                // what it writes from now on is sealed (it commits only with the write).
                if (key is null && !account.IsErased)
                {
                    key = PersonalDataKey.New(account.Id);
                    session.Insert(key);
                }
                return decide(account, key);
            }, Account.Fold, cancellation);
        return AccountView.Of(state, key) with { Version = version };
    }

    public static Task<AccountView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<Account, object[]> decide, CancellationToken cancellation) =>
        DecideAsync(id, session, http, (account, _) => decide(account), cancellation);
}
