using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.GettingAccount;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Accounts.Withdrawing;

/// <summary>Money taken out of the account by its owner. The balance never goes below zero.</summary>
public sealed record WithdrawFunds([Required] decimal? Amount, string? Reference);

public sealed record FundsWithdrawn(Guid AccountId, decimal Amount, string? Reference, DateTimeOffset WithdrawnAt);

[MartenStore(typeof(IAccountsStore))]
public static class WithdrawFundsEndpoint
{
    public static ProblemDetails Validate(WithdrawFunds? command) =>
        command is null ? FieldErrors.MissingBody() : Money.ValidateMovement(command.Amount, command.Reference);

    public static FundsWithdrawn Decide(Account account, decimal amount, string? reference, DateTimeOffset now)
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
        AccountWrites.DecideAsync(id, session, http,
            account => [Decide(account, command.Amount!.Value, command.Reference is null ? null : PlainText.Normalize(command.Reference), clock.GetUtcNow())], cancellation);
}
