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

    [Description("Lifetime in minutes, 1 to 43200 (30 days); default: Auth:TokenLifetime")]
    [FlagAlias("minutes", true)]
    public int? MinutesFlag { get; set; }

    /// <summary>
    /// A bearer token is a credential nobody can revoke before it expires: a month is the longest a person at a shell
    /// should mint. Zero or a negative lifetime is a typing mistake, never "the default".
    /// </summary>
    public const int MaxMinutes = 30 * 24 * 60;
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

        if (input.MinutesFlag is < 1 or > TokenInput.MaxMinutes)
        {
            Console.Error.WriteLine(
                $"--minutes must be between 1 and {TokenInput.MaxMinutes} (30 days), got {input.MinutesFlag}. " +
                "Leave it out for the configured lifetime (Auth:TokenLifetime).");
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
        var lifetime = input.MinutesFlag is { } minutes ? TimeSpan.FromMinutes(minutes) : options.TokenLifetime;
        var token = input.AdminFlag
            ? AccessTokens.Mint(options, "admin", BuildingBlocks.Identity.Caller.AdminRole, now, lifetime)
            : AccessTokens.Mint(options, input.AccountFlag.ToString(), BuildingBlocks.Identity.Caller.CustomerRole, now, lifetime);
        Console.WriteLine(token);
        return Task.FromResult(true);
    }
}
