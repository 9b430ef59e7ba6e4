namespace ModularMonolith.BuildingBlocks.Domain;

/// <summary>
/// An aggregate refused a command because it would break one of its invariants.
/// The message is the reason, written for the client ("insufficient funds: balance 12.00, requested 20.00");
/// <see cref="Facts"/> carries the numbers behind it. The HTTP layer turns it into a 409 ProblemDetails.
/// </summary>
public sealed class RuleViolation(string reason, IReadOnlyDictionary<string, object?>? facts = null) : Exception(reason)
{
    public IReadOnlyDictionary<string, object?> Facts { get; } = facts ?? new Dictionary<string, object?>();
}
