using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.ChangingContactDetails;

/// <summary>Replace the account's email and phone. The email stays unique across accounts, ignoring case.</summary>
public sealed record ChangeContactDetails([Required] string Email, [Required] string Phone);

public sealed record ContactDetailsChanged(Guid AccountId, string Email, string Phone, DateTimeOffset ChangedAt);

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

    /// <summary>Nothing changes when nothing is different; a taken email fails the unique index at commit (409).</summary>
    public static object[] Decide(Account account, ChangeContactDetails command, DateTimeOffset now)
    {
        if (account.IsClosed)
            throw new RuleViolation($"account {account.Id} is closed: its contact details can no longer change.");

        var email = ContactRules.NormalizeEmail(command.Email);
        var phone = ContactRules.NormalizePhone(command.Phone);
        return email == account.Email && phone == account.Phone
            ? []
            : [new ContactDetailsChanged(account.Id, email, phone, now)];
    }

    [WolverinePut("/api/accounts/{id}/contact", OperationId = "ChangeContactDetails")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Put(Guid id, ChangeContactDetails command, IDocumentSession session,
        HttpContext http, TimeProvider clock, CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, account => Decide(account, command, clock.GetUtcNow()), cancellation);
}
