using System.Text.Json;
using Alba;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.OpeningAccount;

/// <summary>
/// Two emails that look the same are the same email: invisible and direction characters are refused, and what is left
/// is compared after NFKC normalisation and case folding.
/// </summary>
[Collection(AccountsCollection.Name)]
public sealed class LookAlikeContactDetails(AccountsApp app)
{
    public static TheoryData<string> Hidden => new()
    {
        "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u202E", "\u202A", "\u2066", "\u061C", "\u0007", "\u0085",
        "\u2028", "\u2029", "\uE000", "\U000E0041", "\uD800"
    };

    private static string Inside(string email, string hidden) => email.Insert(3, hidden);

    [Theory, MemberData(nameof(Hidden))]
    public async Task An_email_or_phone_with_a_hidden_character_is_refused_at_sign_up_naming_the_field_and_writes_nothing(string hidden)
    {
        await app.ShouldWriteNothing(async () =>
        {
            var email = await Refused(new OpenAccount("Eve", Inside(AccountsApp.UniqueEmail(), hidden), "+15551234567"));
            email.GetProperty("errors").GetProperty("email")[0].GetString()!.ShouldContain($"U+");
            var phone = await Refused(new OpenAccount("Eve", AccountsApp.UniqueEmail(), Inside("+15551234567", hidden)));
            phone.GetProperty("errors").GetProperty("phone")[0].GetString()!.ShouldContain("U+");
        });
    }

    [Theory, MemberData(nameof(Hidden))]
    public async Task An_email_with_a_hidden_character_is_refused_at_contact_change(string hidden)
    {
        var id = await app.OpenAccountAsync();
        await app.ShouldWriteNothing(() => app.Host.Scenario(s =>
        {
            s.Put.Json(new { email = Inside(AccountsApp.UniqueEmail(), hidden), phone = "+15551234567" }).ToUrl($"/api/accounts/{id}/contact");
            s.Bearer(app.CustomerToken(id));
            s.StatusCodeShouldBe(400);
        }));
    }

    [Theory]
    [InlineData("jos\u00E9.{0}@example.com", "jose\u0301.{0}@example.com")] // precomposed é vs e + combining acute (NFC)
    [InlineData("ada.{0}@example.com", "\uFF41da.{0}@example.com")]          // full-width a (NFKC)
    [InlineData("ada.{0}@example.com", "ADA.{0}@EXAMPLE.COM")]               // case
    [InlineData("\u00DFada.{0}@example.com", "\u00DFADA.{0}@example.com")]    // non-ASCII case
    public async Task Emails_that_read_the_same_collide_at_sign_up_and_at_contact_change(string first, string second)
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        await app.OpenAccountAsync(string.Format(first, unique));

        await app.ShouldWriteNothing(async () =>
            (await Refused(new OpenAccount("Eve", string.Format(second, unique), "+15551234567"), 409))
            .GetProperty("errors").GetProperty("email")[0].GetString()!.ShouldContain("already exists"));

        var other = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Put.Json(new { email = string.Format(second, unique), phone = "+15551234567" }).ToUrl($"/api/accounts/{other}/contact");
            s.Bearer(app.CustomerToken(other));
            s.StatusCodeShouldBe(409);
        });
    }

    [Fact]
    public async Task An_email_is_stored_in_NFC_and_a_name_may_hold_an_emoji_sequence_but_no_direction_control()
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada \U0001F469\U0001F3FD\u200D\U0001F4BB", $"jose\u0301.{unique}@example.com", "+15551234567")).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        var id = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("id").GetGuid();
        var account = await app.ReadAccountAsync(id);
        account.GetProperty("email").GetString().ShouldBe($"jos\u00E9.{unique}@example.com");
        account.GetProperty("name").GetString().ShouldBe("Ada \U0001F469\U0001F3FD\u200D\U0001F4BB");

        foreach (var name in new[] { "Ada\u202Eevil", "Ada\u200D", "A\u200Dda", "Ada\u200B" })
            (await Refused(new OpenAccount(name, AccountsApp.UniqueEmail(), "+15551234567")))
                .GetProperty("errors").GetProperty("name")[0].GetString()!.ShouldStartWith("name must be plain text");
    }

    private async Task<JsonElement> Refused(OpenAccount command, int status = 400)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(command).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(status);
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
    }
}
