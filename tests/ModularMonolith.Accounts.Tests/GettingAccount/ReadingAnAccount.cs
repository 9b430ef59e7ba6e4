using ModularMonolith.Testing;
using Alba;
using Xunit;

namespace ModularMonolith.Accounts.Tests.GettingAccount;

[Collection(AccountsCollection.Name)]
public sealed class ReadingAnAccount(AccountsApp app)
{
    [Fact]
    public async Task Without_a_token_reading_is_a_401()
    {
        var id = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_a_401()
    {
        var id = await app.OpenAccountAsync();
        var forged = Host.Auth.AccessTokens.ForCustomer(
            new Host.Auth.AuthOptions { SigningKey = "someone-elses-signing-key-0123456789abcdef" }, id, DateTimeOffset.UtcNow);
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(forged);
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task An_expired_token_is_a_401()
    {
        var id = await app.OpenAccountAsync();
        var expired = Host.Auth.AccessTokens.Mint(app.Auth, id.ToString(), "customer", DateTimeOffset.UtcNow.AddHours(-2),
            TimeSpan.FromMinutes(5));
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(expired);
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task A_token_for_another_audience_is_a_401()
    {
        var id = await app.OpenAccountAsync();
        var wrongAudience = Host.Auth.AccessTokens.Mint(app.Auth, id.ToString(), "customer", DateTimeOffset.UtcNow,
            audience: "some-other-api");
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(wrongAudience);
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task Another_customers_account_is_a_403()
    {
        var mine = await app.OpenAccountAsync();
        var theirs = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{theirs}");
            s.Bearer(app.CustomerToken(mine));
            s.StatusCodeShouldBe(403);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task An_admin_reads_any_account()
    {
        var id = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task An_unknown_account_is_a_404()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{Guid.NewGuid()}");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task A_malformed_id_is_not_a_server_error()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/accounts/not-a-guid");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(404);
        });
    }
}
