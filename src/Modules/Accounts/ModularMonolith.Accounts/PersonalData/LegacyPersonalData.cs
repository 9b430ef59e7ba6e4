using Marten;
using ModularMonolith.Accounts.ChangingContactDetails;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.ErasingPersonalData;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.Withdrawing;

namespace ModularMonolith.Accounts.PersonalData;

/// <summary>
/// The one-off migration behind the <c>seal-personal-data</c> verb: events written before #15 hold name, email, phone
/// and references in clear. For each account with such events: a key (when it has none), each clear member sealed in
/// place (the only rewrite of events besides an erasure's, ADR 0013), its email claim (when missing); then the
/// projections that copied the clear text (the Account snapshot, the statement) are rebuilt by the caller. Safe to run
/// again: sealed members are left alone, and an erased account has no clear member left to seal.
/// </summary>
public static class LegacyPersonalData
{
    private const string EventTypes = "('account_opened', 'contact_details_changed', 'funds_deposited', 'funds_withdrawn')";

    /// <summary>The accounts whose events still hold a member in clear.</summary>
    public static async Task<IReadOnlyList<Guid>> AccountsInClearAsync(IQuerySession session, CancellationToken cancellation)
    {
        var clear = string.Join(" or ", ErasureSweep.PersonalMembers.Select(m =>
            $"(jsonb_typeof(data->'{m}') = 'string' and left(data->>'{m}', 4) <> 'pd1:' and data->>'{m}' <> 'pd:erased')"));
        return await session.QueryAsync<Guid>(
            $"select distinct stream_id from {AccountsModule.Schema}.mt_events where type in {EventTypes} and ({clear})",
            cancellation);
    }

    /// <summary>Seals one account's clear members and claims its email; commits in one transaction.</summary>
    public static async Task SealAsync(IDocumentStore store, EmailLookup emails, Guid accountId, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var key = await PersonalDataKey.LoadAsync(session, accountId, cancellation);
        if (key is null)
        {
            key = PersonalDataKey.New(accountId);
            session.Insert(key);
        }

        Account? account = null;
        foreach (var e in await session.Events.FetchStreamAsync(accountId, token: cancellation))
        {
            account = Account.Fold(account, e.Data);
            foreach (var (member, text) in Members(e.Data).Where(m => m.Text is { IsLegacyClearText: true }))
                session.QueueSqlCommand(
                    $"update {AccountsModule.Schema}.mt_events set data = jsonb_set(data, '{{{member}}}', to_jsonb(?::text)) where id = ?",
                    key.Seal(text!.Stored).Stored, e.Id);
        }

        if (account is { IsErased: false })
        {
            var email = PersonalDataKey.Reveal(key, account.Email);
            if (await session.LoadAsync<EmailClaim>(emails.Of(email), cancellation) is null)
                session.Insert(emails.Claim(accountId, email));
        }
        await session.SaveChangesAsync(cancellation);
    }

    private static IEnumerable<(string Member, SealedText? Text)> Members(object data) => data switch
    {
        AccountOpened e => [("name", e.Name), ("email", e.Email), ("phone", e.Phone)],
        ContactDetailsChanged e => [("email", e.Email), ("phone", e.Phone)],
        FundsDeposited e => [("reference", e.Reference)],
        FundsWithdrawn e => [("reference", e.Reference)],
        _ => []
    };
}
