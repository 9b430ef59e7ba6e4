using ModularMonolith.Testing;
using System.Text.Json;
using Alba;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.Depositing;

[Collection(AccountsCollection.Name)]
public sealed class MovingMoneyOverHttp(AccountsApp app)
{
    [Fact]
    public async Task Deposits_and_withdrawals_move_the_balance_and_the_etag()
    {
        var id = await app.OpenAccountAsync();

        var deposit = await app.MoveMoneyAsync(id, "deposits", 100m);
        deposit.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
        var withdrawal = await app.MoveMoneyAsync(id, "withdrawals", 30.25m);
        withdrawal.Context.Response.Headers.ETag.ToString().ShouldBe("\"3\"");

        var body = JsonDocument.Parse(await withdrawal.ReadAsTextAsync()).RootElement;
        body.GetProperty("balance").GetDecimal().ShouldBe(69.75m);
        body.GetProperty("version").GetInt64().ShouldBe(3);

        var read = await app.ReadAccountAsync(id);
        read.GetProperty("balance").GetDecimal().ShouldBe(69.75m);
        read.GetProperty("version").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task Withdrawing_more_than_the_balance_is_a_409_with_both_amounts_and_writes_nothing()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 12m);

        await app.ShouldWriteNothing(async () =>
        {
            var refused = await app.MoveMoneyAsync(id, "withdrawals", 20m, 409);
            var problem = JsonDocument.Parse(await refused.ReadAsTextAsync()).RootElement;
            problem.GetProperty("detail").GetString().ShouldBe("insufficient funds: balance 12.00, requested 20.00.");
            problem.GetProperty("balance").GetDecimal().ShouldBe(12m);
            problem.GetProperty("requested").GetDecimal().ShouldBe(20m);
        });
    }

    [Theory]
    [InlineData("{\"amount\":0}")]
    [InlineData("{\"amount\":-5}")]
    [InlineData("{\"amount\":0.001}")]
    [InlineData("{\"amount\":1000000.01}")]
    [InlineData("{\"amount\":1e400}")]
    [InlineData("{\"amount\":\"10\"}")]
    [InlineData("{\"amount\":NaN}")]
    [InlineData("{\"amount\":null}")]
    [InlineData("{}")]
    [InlineData("{\"amount\":10,\"reference\":\"\\u0000\"}")]
    [InlineData("{\"amount\":10,\"currency\":\"EUR\"}")]
    public async Task A_bad_amount_is_a_400_and_writes_nothing(string body)
    {
        var id = await app.OpenAccountAsync();
        await app.ShouldWriteNothing(() => app.Host.Scenario(s =>
        {
            s.RawBody("POST", $"/api/accounts/{id}/deposits", body);
            s.Bearer(app.CustomerToken(id));
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        }));
    }

    [Fact]
    public async Task A_write_without_a_token_is_a_401_and_on_another_customers_account_a_403()
    {
        var mine = await app.OpenAccountAsync();
        var theirs = await app.OpenAccountAsync();

        await app.ShouldWriteNothing(async () =>
        {
            await app.Host.Scenario(s =>
            {
                s.Post.Json(new { amount = 10m }).ToUrl($"/api/accounts/{theirs}/deposits");
                s.StatusCodeShouldBe(401);
            });
            await app.Host.Scenario(s =>
            {
                s.Post.Json(new { amount = 10m }).ToUrl($"/api/accounts/{theirs}/withdrawals");
                s.Bearer(app.CustomerToken(mine));
                s.StatusCodeShouldBe(403);
            });
        });
    }

    [Fact]
    public async Task A_write_to_an_unknown_account_is_a_404()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amount = 10m }).ToUrl($"/api/accounts/{Guid.NewGuid()}/deposits");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task If_match_with_the_current_etag_succeeds_and_a_stale_one_is_a_412_writing_nothing()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 10m, ifMatch: "\"1\"");

        await app.ShouldWriteNothing(async () =>
        {
            var stale = await app.MoveMoneyAsync(id, "deposits", 10m, 412, ifMatch: "\"1\"");
            stale.Context.Response.ContentType.ShouldBe("application/problem+json");
        });
        await app.MoveMoneyAsync(id, "withdrawals", 10m, ifMatch: "\"2\"");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"abc\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"-1\"")]
    public async Task A_malformed_if_match_is_a_400(string ifMatch)
    {
        var id = await app.OpenAccountAsync();
        await app.ShouldWriteNothing(() => app.MoveMoneyAsync(id, "deposits", 10m, 400, ifMatch: ifMatch));
    }

    [Fact]
    public async Task Twenty_concurrent_withdrawals_never_overdraw_and_every_refusal_is_a_clear_answer()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.Host.Scenario(s =>
        {
            s.Post.Json(new { amount = 15m }).ToUrl($"/api/accounts/{id}/withdrawals");
            s.Bearer(app.CustomerToken(id));
            s.IgnoreStatusCode();
        })));

        // Lost races are retried by the server: only the balance refuses, and it allows exactly six.
        var statuses = results.Select(r => r.Context.Response.StatusCode).ToList();
        statuses.ShouldAllBe(status => status == 200 || status == 409);
        var accepted = statuses.Count(status => status == 200);
        accepted.ShouldBe(6);
        foreach (var refused in results.Where(r => r.Context.Response.StatusCode == 409))
            (await refused.ReadAsTextAsync()).ShouldContain("insufficient funds");

        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(100m - 15m * accepted);
        account.GetProperty("version").GetInt64().ShouldBe(2 + accepted);
    }
}

[Collection(AccountsCollection.Name)]
public sealed class DepositingWithAnIdempotencyKey(AccountsApp app)
{
    [Fact]
    public async Task A_retried_deposit_with_the_same_key_is_answered_again_but_deposited_once()
    {
        var id = await app.OpenAccountAsync();
        var key = Guid.NewGuid().ToString();

        Task<IScenarioResult> Deposit() => app.Host.Scenario(s =>
        {
            s.Post.Json(new { amount = 25m }).ToUrl($"/api/accounts/{id}/deposits");
            s.Bearer(app.CustomerToken(id));
            s.WithRequestHeader("Idempotency-Key", key);
            s.StatusCodeShouldBeOk();
        });

        var first = await Deposit();
        var retry = await Deposit();

        (await retry.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await app.ReadAccountAsync(id)).GetProperty("balance").GetDecimal().ShouldBe(25m);
    }
}
