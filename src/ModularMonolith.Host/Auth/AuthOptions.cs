namespace ModularMonolith.Host.Auth;

/// <summary>
/// JWT bearer settings, section <c>Auth</c>. The signing key has no default outside Development:
/// a host started without one refuses to start rather than accept tokens signed with a known key.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 key, at least 32 bytes of UTF-8.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "modular-monolith";
    public string Audience { get; set; } = "modular-monolith-api";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public const string MissingKeyMessage =
        "Auth:SigningKey must be set to at least 32 characters (environment variable Auth__SigningKey). " +
        "Only the Development environment ships a default.";

    public bool HasUsableKey => System.Text.Encoding.UTF8.GetByteCount(SigningKey) >= 32;

    public void EnsureValid()
    {
        if (!HasUsableKey) throw new InvalidOperationException(MissingKeyMessage);
    }
}
