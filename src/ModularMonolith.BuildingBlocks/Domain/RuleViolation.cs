namespace ModularMonolith.BuildingBlocks.Domain;

/// <summary>
/// An aggregate refused a command because it would break one of its invariants.
/// The message is the reason, written for the client ("insufficient funds: balance 12.00, requested 20.00");
/// the HTTP layer turns it into a 409 ProblemDetails.
/// </summary>
public sealed class RuleViolation(string reason) : Exception(reason);
