using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularMonolith.BuildingBlocks.Identity;

namespace ModularMonolith.Host.Auth;

/// <summary>
/// Mints the bearer tokens this API accepts. Used by the <c>token</c> CLI verb so REST clients can try the API,
/// and by the tests, which authenticate exactly like real clients. A real deployment would use an identity provider
/// that signs with the same key (or switch the bearer setup to its authority); the claims stay the same:
/// <c>sub</c> = the customer's account id, <c>role</c> = customer | admin.
/// </summary>
public static class AccessTokens
{
    public const string RoleClaim = "role";

    public static SymmetricSecurityKey KeyFrom(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    public static string ForCustomer(AuthOptions options, Guid accountId, DateTimeOffset now) =>
        Mint(options, accountId.ToString(), Caller.CustomerRole, now);

    public static string ForAdmin(AuthOptions options, DateTimeOffset now) =>
        Mint(options, "admin", Caller.AdminRole, now);

    public static string Mint(AuthOptions options, string subject, string role, DateTimeOffset now,
        TimeSpan? lifetime = null, string? audience = null)
    {
        options.EnsureValid();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = audience ?? options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            Expires = now.UtcDateTime.Add(lifetime ?? options.TokenLifetime),
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim(RoleClaim, role)]),
            SigningCredentials = new SigningCredentials(KeyFrom(options), SecurityAlgorithms.HmacSha256)
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
