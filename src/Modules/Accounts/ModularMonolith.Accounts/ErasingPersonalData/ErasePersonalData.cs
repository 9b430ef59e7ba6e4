using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.Accounts.PersonalData;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.ErasingPersonalData;

/// <summary>
/// The customer's personal data was erased (the GDPR's right to erasure): their key is gone, so every sealed copy of
/// it is unreadable. Carries nothing personal itself; the money history stays as it was.
/// </summary>
public sealed record PersonalDataErased(Guid AccountId, DateTimeOffset ErasedAt);

[MartenStore(typeof(IAccountsStore))]
public static class ErasePersonalDataEndpoint
{
    /// <summary>Erasing is always possible and happens once: an account already erased gets the same answer, no event.</summary>
    public static object[] Decide(Account account, DateTimeOffset now) =>
        account.IsErased ? [] : [new PersonalDataErased(account.Id, now)];

    /// <summary>
    /// No body. The customer for themselves, or an admin. In one transaction: the event, the key deleted, the email
    /// claim released (the address is free for a new sign-up), clear text written before #15 in this stream's events
    /// overwritten, and the recorded Idempotency-Key answers that showed this account dropped (ErasureSweep).
    /// Orders in flight do not stop it: paying and refunding need no personal data, and they carry on (README).
    /// </summary>
    [WolverinePost("/api/accounts/{id}/erasure", OperationId = "ErasePersonalData")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Post(Guid id, IDocumentSession session, HttpContext http, TimeProvider clock,
        EmailLookup emails, CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, (account, key) =>
        {
            var events = Decide(account, clock.GetUtcNow());
            if (events.Length == 0) return events;

            session.Delete<EmailClaim>(emails.Of(PersonalDataKey.Reveal(key, account.Email)));
            session.Delete<PersonalDataKey>(account.Id);
            ErasureSweep.Queue(session, account.Id);
            return events;
        }, cancellation);
}
