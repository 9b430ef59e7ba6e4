using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.ChangingContactDetails;

/// <summary>Replace the account's email and phone. The email stays unique across accounts, ignoring case.</summary>
public sealed record ChangeContactDetails([Required] string Email, [Required] string Phone);

/// <summary>New email and phone, sealed with the account's key.</summary>
public sealed record ContactDetailsChanged(Guid AccountId, SealedText Email, SealedText Phone, DateTimeOffset ChangedAt)
    : IHoldPersonalData
{
    public object Reveal(PersonalDataKey? key)
    {
        using var personal = PersonalDataKey.Revealing(key);
        return new { AccountId, Email = personal.Reveal(Email), Phone = personal.Reveal(Phone), ChangedAt };
    }
}

[MartenStore(typeof(IAccountsStore))]
public static class ChangeContactDetailsEndpoint
{
    public static ProblemDetails Validate(ChangeContactDetails? command)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        ContactRules.CheckEmail(errors, command.Email);
        ContactRules.CheckPhone(errors, command.Phone);
        return errors.ToProblem();
    }

    /// <summary>
    /// Nothing changes when nothing is different (compared in clear, opened with <paramref name="key"/>); a taken email
    /// fails its claim at commit (409). Erased personal data stays erased: new details would need a new account.
    /// </summary>
    public static object[] Decide(Account account, ChangeContactDetails command, DateTimeOffset now, PersonalDataKey? key)
    {
        if (account.IsClosed)
            throw new RuleViolation($"account {account.Id} is closed: its contact details can no longer change.");
        if (account.IsErased || key is null)
            throw new RuleViolation($"account {account.Id}'s personal data was erased: its contact details can no longer change.");

        var email = ContactRules.NormalizeEmail(command.Email);
        var phone = ContactRules.NormalizePhone(command.Phone);
        return email == PersonalDataKey.Reveal(key, account.Email) && phone == PersonalDataKey.Reveal(key, account.Phone)
            ? []
            : [new ContactDetailsChanged(account.Id, key.Seal(email), key.Seal(phone), now)];
    }

    [WolverinePut("/api/accounts/{id}/contact", OperationId = "ChangeContactDetails")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Put(Guid id, ChangeContactDetails command, IDocumentSession session,
        HttpContext http, TimeProvider clock, EmailLookup emails, CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, (account, key) =>
        {
            var events = Decide(account, command, clock.GetUtcNow(), key);
            // The address moves from one claim to the other in the same transaction (same address: nothing to move).
            var before = emails.Of(PersonalDataKey.Reveal(key, account.Email));
            var after = emails.Claim(account.Id, ContactRules.NormalizeEmail(command.Email));
            if (events.Length > 0 && before != after.Id)
            {
                session.Delete<EmailClaim>(before);
                session.Insert(after);
            }
            return events;
        }, cancellation);
}
