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

namespace ModularMonolith.Accounts.Withdrawing;

/// <summary>Money taken out of the account by its owner. The balance never goes below zero.</summary>
public sealed record WithdrawFunds([Required] decimal? Amount, string? Reference);

/// <summary>Money taken out. The reference is the customer's own words, so it is sealed like their contact details.</summary>
public sealed record FundsWithdrawn(Guid AccountId, decimal Amount, SealedText? Reference, DateTimeOffset WithdrawnAt)
    : IHoldPersonalData
{
    public object Reveal(PersonalDataKey? key) =>
        new { AccountId, Amount, Reference = PersonalDataKey.Reveal(key, Reference), WithdrawnAt };
}

[MartenStore(typeof(IAccountsStore))]
public static class WithdrawFundsEndpoint
{
    public static ProblemDetails Validate(WithdrawFunds? command) =>
        command is null ? FieldErrors.MissingBody() : Money.ValidateMovement(command.Amount, command.Reference);

    public static FundsWithdrawn Decide(Account account, decimal amount, SealedText? reference, DateTimeOffset now)
    {
        if (account.IsClosed)
            throw new RuleViolation($"account {account.Id} is closed: it allows no withdrawals.");
        if (account.Balance < amount)
            throw new RuleViolation(
                $"insufficient funds: balance {Money.Format(account.Balance)}, requested {Money.Format(amount)}.",
                new Dictionary<string, object?> { ["balance"] = account.Balance, ["requested"] = amount });
        return new FundsWithdrawn(account.Id, amount, reference, now);
    }

    [WolverinePost("/api/accounts/{id}/withdrawals", OperationId = "WithdrawFunds")]
    [ProducesResponseType<AccountView>(StatusCodes.Status200OK)]
    public static Task<AccountView> Post(Guid id, WithdrawFunds command, IDocumentSession session, HttpContext http,
        TimeProvider clock, CancellationToken cancellation) =>
        AccountWrites.DecideAsync(id, session, http, (account, key) =>
            [Decide(account, command.Amount!.Value, References.Seal(account, key, command.Reference), clock.GetUtcNow())], cancellation);
}
