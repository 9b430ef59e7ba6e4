using JasperFx.CommandLine;
using Microsoft.Extensions.Options;
using ModularMonolith.Host.Auth;

namespace ModularMonolith.Host.Cli;

public sealed class TokenInput : NetCoreInput
{
    [Description("Mint a customer token whose subject is this account id")]
    [FlagAlias("account", true)]
    public Guid AccountFlag { get; set; }

    [Description("Mint an admin token instead")]
    [FlagAlias("admin", true)]
    public bool AdminFlag { get; set; }

    [Description("Lifetime in minutes (default: Auth:TokenLifetime)")]
    [FlagAlias("minutes", true)]
    public int MinutesFlag { get; set; }
}

/// <summary>
/// <c>token --account &lt;id&gt;</c> or <c>token --admin</c>: prints a bearer token signed with the configured key,
/// so a REST client can try the API without an identity provider.
/// </summary>
[Description("Print a bearer token for a customer account or an admin", Name = "token")]
public sealed class TokenCommand : JasperFxAsyncCommand<TokenInput>
{
    public override Task<bool> Execute(TokenInput input)
    {
        if (input.AdminFlag == (input.AccountFlag != Guid.Empty))
        {
            Console.Error.WriteLine("Say either --account <account id> or --admin.");
            return Task.FromResult(false);
        }

        using var host = input.BuildHost();
        AuthOptions options;
        try
        {
            options = host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            // The options validate themselves on first use; an unusable key is an operator mistake, not a crash.
            Console.Error.WriteLine(AuthOptions.MissingKeyMessage);
            return Task.FromResult(false);
        }

        var now = DateTimeOffset.UtcNow;
        var lifetime = input.MinutesFlag > 0 ? TimeSpan.FromMinutes(input.MinutesFlag) : options.TokenLifetime;
        var token = input.AdminFlag
            ? AccessTokens.Mint(options, "admin", BuildingBlocks.Identity.Caller.AdminRole, now, lifetime)
            : AccessTokens.Mint(options, input.AccountFlag.ToString(), BuildingBlocks.Identity.Caller.CustomerRole, now, lifetime);
        Console.WriteLine(token);
        return Task.FromResult(true);
    }
}
