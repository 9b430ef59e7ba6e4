using ModularMonolith.Testing;
using System.Text.Json;
using Alba;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.GettingHistory;

[Collection(AccountsCollection.Name)]
public sealed class TimeTravelAndAuditTrail(AccountsApp app)
{
    private async Task<(Guid Id, JsonElement[] Events)> AccountWithHistory()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 10m);
        await app.MoveMoneyAsync(id, "deposits", 20m);
        await app.MoveMoneyAsync(id, "withdrawals", 5m);
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/events", app.AdminToken());
        return (id, trail.GetProperty("events").EnumerateArray().ToArray());
    }

    [Fact]
    public async Task The_audit_trail_lists_every_event_in_order_with_its_metadata()
    {
        var (_, events) = await AccountWithHistory();

        events.Select(e => e.GetProperty("type").GetString())
            .ShouldBe(["account_opened", "funds_deposited", "funds_deposited", "funds_withdrawn"]);
        events.Select(e => e.GetProperty("version").GetInt64()).ShouldBe([1L, 2L, 3L, 4L]);
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        sequences.ShouldBe(sequences.Order().ToList());
        events[1].GetProperty("data").GetProperty("amount").GetDecimal().ShouldBe(10m);
        events.ShouldAllBe(e => e.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task The_audit_trail_pages()
    {
        var (id, _) = await AccountWithHistory();

        var second = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/events?page=2&pageSize=3", app.AdminToken());

        second.GetProperty("totalEvents").GetInt64().ShouldBe(4);
        second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ShouldBe([4L]);
    }

    [Fact]
    public async Task An_account_reads_as_it_was_at_a_past_version()
    {
        var (id, _) = await AccountWithHistory();

        var atTwo = await app.ReadAccountAsync(id, "?version=2");
        atTwo.GetProperty("balance").GetDecimal().ShouldBe(10m);
        atTwo.GetProperty("version").GetInt64().ShouldBe(2);
        (await app.ReadAccountAsync(id, "?version=4")).GetProperty("balance").GetDecimal().ShouldBe(25m);
    }

    [Fact]
    public async Task An_account_reads_as_it_was_at_a_past_instant()
    {
        var (id, events) = await AccountWithHistory();
        var thirdEventAt = events[2].GetProperty("timestamp").GetDateTimeOffset();

        var then = await app.ReadAccountAsync(id, $"?asOf={Uri.EscapeDataString(thirdEventAt.ToString("O"))}");

        then.GetProperty("balance").GetDecimal().ShouldBe(30m);
        then.GetProperty("version").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task A_version_beyond_the_latest_or_an_instant_before_the_account_says_so_not_that_there_is_no_account()
    {
        var (id, _) = await AccountWithHistory();

        var beyond = await app.Host.SendJsonAsync("GET", $"/api/accounts/{id}?version=9", app.AdminToken(), status: 404);
        beyond.GetProperty("detail").GetString().ShouldBe($"account {id} has no version 9; its latest version is 4.");

        var before = await app.Host.SendJsonAsync("GET", $"/api/accounts/{id}?asOf=2001-01-01T00:00:00Z", app.AdminToken(), status: 404);
        before.GetProperty("detail").GetString()!.ShouldStartWith(
            $"account {id} did not exist yet at 2001-01-01T00:00:00.0000000+00:00; its history starts at ");
    }

    [Theory]
    [InlineData("?version=0", 400)]
    [InlineData("?version=-1", 400)]
    [InlineData("?version=abc", 400)]
    [InlineData("?version=99", 404)]
    [InlineData("?asOf=yesterday", 400)]
    [InlineData("?asOf=2026-11-23T09:00:00", 400)]
    [InlineData("?asOf=2001-01-01T00:00:00Z", 404)]
    [InlineData("?version=2&asOf=2026-11-23T09:00:00Z", 400)]
    public async Task Bad_or_impossible_points_in_time_are_refused(string query, int status)
    {
        var (id, _) = await AccountWithHistory();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}{query}");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(status);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=1000")]
    [InlineData("?page=x")]
    public async Task Bad_paging_is_a_400(string query)
    {
        var id = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}/events{query}");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task Another_customers_history_is_a_403_and_an_unknown_one_a_404()
    {
        var mine = await app.OpenAccountAsync();
        var theirs = await app.OpenAccountAsync();
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{theirs}/events");
            s.Bearer(app.CustomerToken(mine));
            s.StatusCodeShouldBe(403);
        });
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{Guid.NewGuid()}/events");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(404);
        });
    }
}
