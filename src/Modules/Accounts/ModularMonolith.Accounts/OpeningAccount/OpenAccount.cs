using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.OpeningAccount;

/// <summary>Sign-up: a customer opens an account with their contact details.</summary>
public sealed record OpenAccount([Required] string Name, [Required] string Email, [Required] string Phone);

/// <summary>
/// An account was opened. Name, email and phone are sealed with the account's key (PersonalData); the email is unique
/// across accounts, ignoring case, through its <see cref="EmailClaim"/>.
/// </summary>
public sealed record AccountOpened(Guid AccountId, SealedText Name, SealedText Email, SealedText Phone, DateTimeOffset OpenedAt)
    : IHoldPersonalData
{
    public object Reveal(PersonalDataKey? key)
    {
        using var personal = PersonalDataKey.Revealing(key);
        return new { AccountId, Name = personal.Reveal(Name), Email = personal.Reveal(Email), Phone = personal.Reveal(Phone), OpenedAt };
    }
}

/// <summary>201 Created: the new account's id, and its address (also in <c>Location</c>).</summary>
public sealed record AccountCreated(Guid Id) : CreationResponse($"/api/accounts/{Id}");

[MartenStore(typeof(IAccountsStore))]
public static class OpenAccountEndpoint
{
    public static ProblemDetails Validate(OpenAccount? command)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        ContactRules.CheckName(errors, command.Name);
        ContactRules.CheckEmail(errors, command.Email);
        ContactRules.CheckPhone(errors, command.Phone);
        return errors.ToProblem();
    }

    /// <summary>
    /// The decision: valid input (checked above) always opens an account, its contact details sealed with the new
    /// account's own key; uniqueness is the database's job.
    /// </summary>
    public static AccountOpened Decide(Guid accountId, OpenAccount command, DateTimeOffset now, PersonalDataKey key) =>
        new(accountId, key.Seal(ContactRules.NormalizeName(command.Name)), key.Seal(ContactRules.NormalizeEmail(command.Email)),
            key.Seal(ContactRules.NormalizePhone(command.Phone)), now);

    /// <remarks>
    /// Anonymous: this is sign-up. The key, the email claim and the stream commit together: a duplicate email fails the
    /// claim's primary key, and the stream and key are rolled back with it (409).
    /// </remarks>
    [AllowAnonymous]
    [WolverinePost("/api/accounts", OperationId = "OpenAccount")]
    [ProducesResponseType<AccountCreated>(StatusCodes.Status201Created)]
    public static AccountCreated Post(OpenAccount command, IDocumentSession session, TimeProvider clock,
        EmailLookup emails)
    {
        var key = PersonalDataKey.New(Guid.CreateVersion7());
        var opened = Decide(key.Id, command, clock.GetUtcNow(), key);
        session.Insert(key);
        session.Insert(emails.Claim(key.Id, ContactRules.NormalizeEmail(command.Email)));
        session.Events.StartStream<Account>(opened.AccountId, opened);
        return new AccountCreated(opened.AccountId);
    }
}
