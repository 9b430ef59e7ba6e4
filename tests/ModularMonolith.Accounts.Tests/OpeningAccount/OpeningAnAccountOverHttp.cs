using ModularMonolith.Testing;
using System.Text.Json;
using Alba;
using ModularMonolith.Accounts.OpeningAccount;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.OpeningAccount;

[Collection(AccountsCollection.Name)]
public sealed class OpeningAnAccountOverHttp(AccountsApp app)
{
    [Fact]
    public async Task Opening_an_account_answers_201_with_its_location_and_reads_back_with_an_etag()
    {
        var email = AccountsApp.UniqueEmail();
        var created = await app.Host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada Lovelace", email, "+44 20 7946 0958")).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        var body = (await created.ReadAsJsonAsync<AccountCreatedBody>())!;
        created.Context.Response.Headers.Location.ToString().ShouldBe($"/api/accounts/{body.Id}");

        var read = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{body.Id}");
            s.Bearer(app.CustomerToken(body.Id));
            s.StatusCodeShouldBeOk();
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });
        var account = JsonDocument.Parse(await read.ReadAsTextAsync()).RootElement;
        account.GetProperty("email").GetString().ShouldBe(email);
        account.GetProperty("phone").GetString().ShouldBe("+442079460958");
        account.GetProperty("status").GetString().ShouldBe("open");
        account.GetProperty("balance").GetDecimal().ShouldBe(0m);
        account.GetProperty("version").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task An_email_already_used_in_any_letter_case_is_a_409_naming_email_and_writes_nothing()
    {
        var email = AccountsApp.UniqueEmail();
        await app.OpenAccountAsync(email);

        await app.ShouldWriteNothing(async () =>
        {
            var result = await app.Host.Scenario(s =>
            {
                s.Post.Json(new OpenAccount("Someone Else", email.ToUpperInvariant(), "+15551234567")).ToUrl("/api/accounts");
                s.StatusCodeShouldBe(409);
                s.ContentTypeShouldBe("application/problem+json");
            });
            var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
            problem.GetProperty("errors").GetProperty("email")[0].GetString()!.ShouldContain("already exists");
        });
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_email_open_exactly_one_account()
    {
        var email = AccountsApp.UniqueEmail();
        var attempts = Enumerable.Range(0, 8).Select(i => app.Host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount($"Racer {i}", email, "+15551234567")).ToUrl("/api/accounts");
            s.IgnoreStatusCode();
        }));

        var statuses = (await Task.WhenAll(attempts)).Select(r => r.Context.Response.StatusCode).ToList();

        statuses.Count(s => s == 201).ShouldBe(1);
        statuses.Count(s => s == 409).ShouldBe(7);
    }

    [Fact]
    public async Task Invalid_details_are_a_400_naming_every_field_and_write_nothing()
    {
        await app.ShouldWriteNothing(async () =>
        {
            var result = await app.Host.Scenario(s =>
            {
                s.Post.Json(new OpenAccount("", "not-an-email", "12345")).ToUrl("/api/accounts");
                s.StatusCodeShouldBe(400);
                s.ContentTypeShouldBe("application/problem+json");
            });
            var errors = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors");
            errors.EnumerateObject().Select(p => p.Name).ShouldBe(["name", "email", "phone"], ignoreOrder: true);
        });
    }

    [Theory]
    [InlineData("{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"phone\":\"+442079460958\",\"isAdmin\":true}")]
    [InlineData("{\"name\":\"Ada\",\"email\":\"ada@example.com\",")]
    [InlineData("{\"name\":42,\"email\":\"ada@example.com\",\"phone\":\"+442079460958\"}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Unreadable_or_unknown_json_is_a_400_problem_and_writes_nothing(string body)
    {
        await app.ShouldWriteNothing(() => app.Host.Scenario(s =>
        {
            s.RawBody("POST", "/api/accounts", body);
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        }));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        await app.ShouldWriteNothing(() => app.Host.Scenario(s =>
        {
            s.RawBody("POST", "/api/accounts", "name=Ada&email=ada@example.com", "application/x-www-form-urlencoded");
            s.StatusCodeShouldBe(415);
        }));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413()
    {
        var huge = new string('a', 200 * 1024);
        await app.ShouldWriteNothing(() => app.Host.Scenario(s =>
        {
            s.RawBody("POST", "/api/accounts", $"{{\"name\":\"{huge}\",\"email\":\"ada@example.com\",\"phone\":\"+442079460958\"}}");
            s.StatusCodeShouldBe(413);
        }));
    }
}
