using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.Accounts;

/// <summary>
/// What an amount of money may be here: positive, whole cents, and at most <see cref="MaxAmount"/> per movement.
/// The ceiling keeps a typo (or a hostile client) from moving absurd sums and keeps every balance far inside
/// <see cref="decimal"/>'s range.
/// </summary>
public static class Money
{
    public const decimal MaxAmount = 1_000_000.00m;

    public static string? Problem(decimal amount) =>
        amount <= 0 ? "amount must be greater than zero."
        : amount > MaxAmount ? $"amount must be at most {MaxAmount:0.00}."
        : decimal.Round(amount, 2) != amount ? "amount must have at most 2 decimal places."
        : null;

    public static void Check(FieldErrors errors, decimal? amount)
    {
        if (amount is null) errors.Add("amount", "amount is required.");
        else if (Problem(amount.Value) is { } problem) errors.Add("amount", problem);
    }

    public static void CheckReference(FieldErrors errors, string? reference)
    {
        if (reference is not null) errors.CheckText("reference", reference, 100);
    }

    /// <summary>The validation every money movement request shares: a valid amount and an optional plain reference.</summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails ValidateMovement(decimal? amount, string? reference)
    {
        var errors = new FieldErrors();
        Check(errors, amount);
        CheckReference(errors, reference);
        return errors.ToProblem();
    }

    public static string Format(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
