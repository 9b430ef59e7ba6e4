using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.OpeningAccount;

/// <summary>Sign-up: a customer opens an account with their contact details.</summary>
public sealed record OpenAccount([Required] string Name, [Required] string Email, [Required] string Phone);

/// <summary>An account was opened. The email is unique across accounts, ignoring case.</summary>
public sealed record AccountOpened(Guid AccountId, string Name, string Email, string Phone, DateTimeOffset OpenedAt);

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

    /// <summary>The decision: valid input (checked above) always opens an account; uniqueness is the database's job.</summary>
    public static AccountOpened Decide(Guid accountId, OpenAccount command, DateTimeOffset now) =>
        new(accountId, ContactRules.NormalizeName(command.Name), ContactRules.NormalizeEmail(command.Email),
            ContactRules.NormalizePhone(command.Phone), now);

    /// <remarks>
    /// Anonymous: this is sign-up. A duplicate email fails the unique index on the <c>Account</c> snapshot, which the inline
    /// projection writes in the same transaction as the event, so the stream is rolled back with it (409).
    /// </remarks>
    [AllowAnonymous]
    [WolverinePost("/api/accounts", OperationId = "OpenAccount")]
    [ProducesResponseType<AccountCreated>(StatusCodes.Status201Created)]
    public static AccountCreated Post(OpenAccount command, IDocumentSession session, TimeProvider clock)
    {
        var opened = Decide(Guid.CreateVersion7(), command, clock.GetUtcNow());
        session.Events.StartStream<Account>(opened.AccountId, opened);
        return new AccountCreated(opened.AccountId);
    }
}
