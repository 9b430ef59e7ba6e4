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

namespace ModularMonolith.Accounts.Depositing;

/// <summary>Money paid into the account. <c>Reference</c> is the customer's own note (e.g. a bank transfer id).</summary>
public sealed record DepositFunds([Required] decimal? Amount, string? Reference);

/// <summary>Money paid in. The reference is the customer's own words, so it is sealed like their contact details.</summary>
public sealed record FundsDeposited(Guid AccountId, decimal Amount, SealedText? Reference, DateTimeOffset DepositedAt)
    : IHoldPersonalData
{
    public object Reveal(PersonalDataKey? key) =>
        new { AccountId, Amount, Reference = PersonalDataKey.Reveal(key, Reference), DepositedAt };
}

[MartenStore(typeof(IAccountsStore))]
public static class DepositFundsEndpoint
{
    public static ProblemDetails Validate(DepositFunds? command) =>
        command is null ? FieldErrors.MissingBody() : Money.ValidateMovement(command.Amount, command.Reference);

    public static FundsDeposited Decide(Account account, decimal amount, SealedText? reference, DateTimeOffset now) =>
        account.IsClosed
            ? throw new RuleViolation($"account {account.Id} is closed: it takes no deposits.")
            : new FundsDeposited(account.Id, amount, reference, now);

    [WolverinePost("/api/accounts/{id}/deposits", OperationId = "DepositFunds")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Post(Guid id, DepositFunds command, IDocumentSession session, HttpContext http,
        TimeProvider clock, CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, (account, key) =>
            [Decide(account, command.Amount!.Value, References.Seal(account, key, command.Reference), clock.GetUtcNow())], cancellation);
}
