using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.BuildingBlocks.Domain;

/// <summary>
/// An aggregate refused a command because it would break one of its invariants.
/// The message is the reason, written for the client ("insufficient funds: balance 12.00, requested 20.00");
/// <see cref="Facts"/> carries the numbers behind it, each becoming a ProblemDetails extension member of the 409, so
/// a fact may not take a name the body already uses (<see cref="ProblemMembers.Reserved"/>): constructing one throws.
/// </summary>
public sealed class RuleViolation : Exception
{
    public RuleViolation(string reason, IReadOnlyDictionary<string, object?>? facts = null) : base(reason)
    {
        foreach (var name in facts?.Keys ?? []) ProblemMembers.EnsureExtensionName(name);
        Facts = facts ?? new Dictionary<string, object?>();
    }

    public IReadOnlyDictionary<string, object?> Facts { get; }
}
