namespace ModularMonolith.Resilience.Tests;

/// <summary>One request that a correct API must refuse, and why it is in the corpus.</summary>
public sealed record HostileRequest(
    string Why,
    string Method,
    string Path,
    string? Body,
    string? Token,
    string ContentType = "application/json",
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public override string ToString() => $"{Method} {Path} — {Why}";
}
