namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// The member names a ProblemDetails body already uses: RFC 9457's own and ours. An extension member reusing one
/// would appear twice in the JSON, and parsers keep the last, so a client could read an order's state as the HTTP
/// status. Every extension goes through <see cref="EnsureExtensionName"/>; RuleViolation checks its facts at
/// construction, so a reused name fails the first test that reaches the throw.
/// </summary>
public static class ProblemMembers
{
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "type", "title", "status", "detail", "instance", // RFC 9457
        "errors", "traceId" // ours: per-field errors and the request's trace id
    };

    public static string EnsureExtensionName(string name) =>
        string.IsNullOrWhiteSpace(name) || Reserved.Contains(name)
            ? throw new ArgumentException(
                $"'{name}' cannot be a ProblemDetails extension member: it is blank or a name the body already uses " +
                $"({string.Join(", ", Reserved)}). Name the fact after what it is, e.g. 'orderStatus'.", nameof(name))
            : name;
}
