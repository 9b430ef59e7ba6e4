using System.Security.Claims;

namespace ModularMonolith.BuildingBlocks.Identity;

/// <summary>
/// Who is calling: a customer (the token's subject is their account id) or an admin.
/// The one place that reads identity from a token; endpoints ask it, they never read claims themselves.
/// </summary>
public sealed record Caller(Guid? AccountId, bool IsAdmin)
{
    public const string AdminRole = "admin";
    public const string CustomerRole = "customer";

    public static Caller From(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub");
        Guid? accountId = Guid.TryParse(subject, out var id) ? id : null;
        return new Caller(accountId, user.IsInRole(AdminRole));
    }

    /// <summary>Admins may act on every account; a customer only on its own.</summary>
    public bool MayActFor(Guid accountId) => IsAdmin || AccountId == accountId;

    /// <summary>Refuses with 403 unless the caller is the owner of <paramref name="accountId"/> or an admin.</summary>
    public void EnsureMayActFor(Guid accountId, string what)
    {
        if (!MayActFor(accountId)) throw Http.RequestRefused.NotYours(what);
    }
}
