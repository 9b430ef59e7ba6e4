using System.Text;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// The <c>token</c> verb, run through the host's entry point like an operator would. It opens no database, so these
/// tests give it one that does not exist.
/// </summary>
public sealed class MintingTokensFromTheShell
{
    private const string NoDatabase = "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Password=postgres;Timeout=3";

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("43201")] // one minute over 30 days
    public async Task A_lifetime_of_zero_negative_or_over_thirty_days_is_refused(string minutes)
    {
        var (exit, output) = await HostProcess.RunAsync(NoDatabase, "token", "--admin", "--minutes", minutes);

        exit.ShouldNotBe(0, output);
        output.ShouldContain($"--minutes must be between 1 and 43200 (30 days), got {minutes}.");
        output.ShouldNotContain("eyJ"); // no token printed
    }

    [Theory]
    [InlineData("30", 30 * 60)]
    [InlineData("43200", 43200 * 60)]
    public async Task A_lifetime_in_range_is_the_tokens_lifetime(string minutes, long seconds)
    {
        var (exit, output) = await HostProcess.RunAsync(NoDatabase, "token", "--admin", "--minutes", minutes);

        exit.ShouldBe(0, output);
        var claims = Claims(LastLine(output));
        (claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64()).ShouldBe(seconds);
    }

    [Fact]
    public async Task Without_minutes_the_configured_lifetime_applies_and_only_the_token_is_printed()
    {
        var (exit, output) = await HostProcess.RunAsync(NoDatabase, "token", "--admin");

        exit.ShouldBe(0, output);
        // Nothing but the token: no command discovery lines, no false daemon warnings, no endpoint design warnings.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.ShouldHaveSingleItem(output);
        var claims = Claims(lines[0]);
        (claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64()).ShouldBe(8 * 3600);
        claims.GetProperty("role").GetString().ShouldBe("admin");
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private static JsonElement Claims(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement;
    }
}
