using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Host.Auth;
using ModularMonolith.Host.Wiring;

namespace ModularMonolith.Host.AdminConsole.SigningIn;

/// <summary>
/// How the console knows its admin (docs/adr/0014): the admin's bearer token, checked once at sign-in with the API's
/// own JWT validation, is kept in an HttpOnly, SameSite=Strict cookie scoped to <c>/console</c> that expires with
/// the token. A second JWT bearer scheme reads it from that cookie, with the API's validation parameters, on every
/// console request; it is used by the console's routes only, so the API never accepts the cookie (no CSRF surface
/// there) and the console never sees a token in a URL.
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = "Console";
    public const string Policy = "ConsoleAdmin";
    public const string CookieName = "mm_console";
    public const string Path = "/console";

    /// <summary>Sent by the console's script on live updates: an expired sign-in answers 401 instead of a redirect.</summary>
    public const string LiveHeader = "X-Console-Live";

    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(Scheme);
        // Built from AuthOptions like the API's scheme (Authentication.ValidationParameters), not read from the API scheme's
        // options: configuring one named JwtBearerOptions from inside another's creation hung every request.
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<AuthOptions>>((console, auth) =>
        {
            console.MapInboundClaims = false;
            console.TokenValidationParameters = Authentication.ValidationParameters(auth.Value);
            console.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    context.Token = context.Request.Cookies[CookieName];
                    return Task.CompletedTask;
                },
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    if (context.Request.Headers.ContainsKey(LiveHeader)) context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else context.Response.Redirect($"{Path}/sign-in");
                    return Task.CompletedTask;
                }
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireRole(Caller.AdminRole));
        return services;
    }

    /// <summary>The verdict on a pasted token: the admin's expiry, or why it is refused (said to the person signing in).</summary>
    public static async Task<(DateTimeOffset? Expires, string? Refusal)> JudgeAsync(AuthOptions auth, string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
            return (null, "Paste an admin bearer token (eng/run.sh token --admin prints one).");
        var parameters = Authentication.ValidationParameters(auth);
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token.Trim(), parameters);
        if (!result.IsValid)
            return (null, "This token is not valid here: it is malformed, expired, or not signed by this system.");
        if (!result.ClaimsIdentity.HasClaim(parameters.RoleClaimType, Caller.AdminRole))
            return (null, "This is a customer's token. The console is for administrators only: sign in with an admin token.");
        return (new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero), null);
    }
}
