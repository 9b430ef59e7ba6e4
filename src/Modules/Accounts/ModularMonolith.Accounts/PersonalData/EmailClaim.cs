using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ModularMonolith.Accounts.PersonalData;

/// <summary>
/// An email address taken by an account, a row per address in <c>accounts.mt_doc_emailclaim</c>; its primary key is
/// the uniqueness check (a second claim of the same address fails at commit, 409). The key is
/// <see cref="EmailLookup.Of"/>: a keyed hash, so the table never holds the address. Written by the use cases
/// (sign-up, contact change, erasure) in their transaction, not projected from events: the events must not carry the
/// hash, or an erased customer could still be recognised by anyone holding the secret.
/// </summary>
public sealed class EmailClaim
{
    public string Id { get; set; } = "";
    public Guid AccountId { get; set; }
}

/// <summary>
/// HMAC-SHA256 over <see cref="ContactRules.EmailKey"/> (NFKC, case-folded) with a server secret:
/// <c>Accounts:EmailLookupSecret</c> (environment variable <c>Accounts__EmailLookupSecret</c>, at least 32 characters).
/// Without it the secret is derived from <c>Auth:SigningKey</c> (HKDF), so a host configured as before still runs;
/// either way, changing the secret makes every existing claim unreachable (see docs/architecture.md).
/// </summary>
public sealed class EmailLookup
{
    public const string SecretSetting = "Accounts:EmailLookupSecret";
    private readonly byte[] _secret;

    public EmailLookup(byte[] secret) => _secret = secret;

    public static EmailLookup FromConfiguration(IConfiguration configuration, ILogger logger)
    {
        var own = configuration[SecretSetting];
        if (!string.IsNullOrEmpty(own))
        {
            if (Encoding.UTF8.GetByteCount(own) < 32)
                throw new InvalidOperationException($"{SecretSetting} must be at least 32 characters.");
            return new EmailLookup(Encoding.UTF8.GetBytes(own));
        }

        var signingKey = configuration["Auth:SigningKey"] ?? "";
        logger.LogInformation("{Setting} is not set: the email lookup secret is derived from Auth:SigningKey", SecretSetting);
        return new EmailLookup(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(signingKey), 32,
            info: "modularmonolith/accounts/email-lookup"u8.ToArray()));
    }

    public string Of(string email) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(ContactRules.EmailKey(email))));

    public EmailClaim Claim(Guid accountId, string email) => new() { Id = Of(email), AccountId = accountId };
}
