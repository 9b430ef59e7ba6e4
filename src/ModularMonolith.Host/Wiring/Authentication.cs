using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Host.Auth;

namespace ModularMonolith.Host.Wiring;

internal static class Authentication
{
    /// <summary>JWT bearer with the configured symmetric key; roles from the <c>role</c> claim, identity from <c>sub</c>.</summary>
    public static WebApplicationBuilder AddTokenAuthentication(this WebApplicationBuilder builder)
    {
        // Checked when the web host starts, so CLI verbs that never validate a token (db-apply, describe) need no key.
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(o => o.HasUsableKey, AuthOptions.MissingKeyMessage)
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, options) =>
            {
                jwt.MapInboundClaims = false;
                // Nothing reads the raw token back from the request (HttpContext.GetTokenAsync): saving it into
                // every request's authentication properties only allocated (#13).
                jwt.SaveToken = false;
                jwt.TokenValidationParameters = ValidationParameters(options.Value);
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Caller.AdminRole, policy => policy.RequireRole(Caller.AdminRole));
        return builder;
    }

    /// <summary>How a token is judged: by the API's bearer scheme and by the admin console's sign-in and cookie scheme.</summary>
    public static TokenValidationParameters ValidationParameters(AuthOptions auth) => new()
    {
        ValidIssuer = auth.Issuer,
        ValidAudience = auth.Audience,
        IssuerSigningKey = AccessTokens.KeyFrom(auth),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = "sub",
        RoleClaimType = AccessTokens.RoleClaim,
        ClockSkew = TimeSpan.FromSeconds(30)
    };
}
