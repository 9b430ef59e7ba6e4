namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// A uniqueness rule the database enforces (a unique index), registered by the module that owns it so that a
/// violation becomes a 409 naming the field instead of a 500. The check lives in PostgreSQL, inside the same
/// transaction as the events, so two concurrent requests cannot both pass it.
/// </summary>
/// <param name="IndexName">The unique index's name in PostgreSQL.</param>
/// <param name="Field">The request field (camelCase) the client should change.</param>
/// <param name="Message">What the client is told.</param>
public sealed record UniqueConstraint(string IndexName, string Field, string Message);
