using ModularMonolith.Testing;
using System.Text.Json;
using Alba;
using ModularMonolith.Accounts.ChangingContactDetails;
using ModularMonolith.Accounts.OpeningAccount;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.ClosingAccount;

[Collection(AccountsCollection.Name)]
public sealed class ClosingAndChangingOverHttp(AccountsApp app)
{
    private Task<IScenarioResult> Close(Guid id, int status) => app.Host.Scenario(s =>
    {
        s.Post.Url($"/api/accounts/{id}/closure");
        s.Bearer(app.CustomerToken(id));
        s.StatusCodeShouldBe(status);
    });

    private Task<IScenarioResult> ChangeContact(Guid id, string email, int status) => app.Host.Scenario(s =>
    {
        s.Put.Json(new ChangeContactDetails(email, "+15551234567")).ToUrl($"/api/accounts/{id}/contact");
        s.Bearer(app.CustomerToken(id));
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task An_account_holding_money_cannot_close_and_an_emptied_one_closes_and_refuses_money()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 5m);

        var refused = await Close(id, 409);
        JsonDocument.Parse(await refused.ReadAsTextAsync()).RootElement.GetProperty("balance").GetDecimal().ShouldBe(5m);

        await app.MoveMoneyAsync(id, "withdrawals", 5m);
        await Close(id, 200);
        (await app.ReadAccountAsync(id)).GetProperty("status").GetString().ShouldBe("closed");

        await app.ShouldWriteNothing(async () =>
        {
            await app.MoveMoneyAsync(id, "deposits", 5m, 409);
            await app.MoveMoneyAsync(id, "withdrawals", 5m, 409);
            await Close(id, 409);
            await ChangeContact(id, AccountsApp.UniqueEmail(), 409);
        });
    }

    [Fact]
    public async Task Contact_details_change_and_the_old_email_becomes_free()
    {
        var oldEmail = AccountsApp.UniqueEmail();
        var id = await app.OpenAccountAsync(oldEmail);
        var newEmail = AccountsApp.UniqueEmail();

        var changed = await ChangeContact(id, newEmail, 200);
        changed.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
        (await app.ReadAccountAsync(id)).GetProperty("email").GetString().ShouldBe(newEmail);

        await app.OpenAccountAsync(oldEmail);
    }

    [Fact]
    public async Task Changing_to_an_email_another_account_uses_is_a_409_and_writes_nothing()
    {
        var taken = AccountsApp.UniqueEmail();
        await app.OpenAccountAsync(taken);
        var id = await app.OpenAccountAsync();

        await app.ShouldWriteNothing(() => ChangeContact(id, taken.ToUpperInvariant(), 409));
    }

    [Fact]
    public async Task Invalid_contact_details_are_a_400_naming_the_fields() =>
        await app.ShouldWriteNothing(async () =>
        {
            var id = Guid.NewGuid();
            var result = await app.Host.Scenario(s =>
            {
                s.Put.Json(new ChangeContactDetails("nope", "12")).ToUrl($"/api/accounts/{id}/contact");
                s.Bearer(app.CustomerToken(id));
                s.StatusCodeShouldBe(400);
            });
            JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors")
                .EnumerateObject().Select(p => p.Name).ShouldBe(["email", "phone"], ignoreOrder: true);
        });

    [Fact]
    public async Task Opening_needs_no_token_but_every_other_account_endpoint_does()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada", AccountsApp.UniqueEmail(), "+442079460958")).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        var id = await app.OpenAccountAsync();
        foreach (var url in new[] { $"/api/accounts/{id}/statement", $"/api/accounts/{id}/events" })
            await app.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.StatusCodeShouldBe(401);
            });
    }
}
