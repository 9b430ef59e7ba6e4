using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace ModularMonolith.Accounts.Tests;

/// <summary>
/// Sealing personal data (#15) must not cost an account's reads and writes a round trip of their own: the account's
/// key is read with the account, on the request's one connection (#13).
/// </summary>
[Collection(AccountsCollection.Name)]
public sealed class DatabaseCallsPerRequest(AccountsApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task Reading_an_account_with_its_key_is_one_statement()
    {
        var id = await app.OpenAccountAsync();
        // The first read warms what is paid once per host (generated code, the pool's first connection).
        await app.ReadAccountAsync(id);

        var usage = await app.Database.MeasureAsync(app.Host, s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(app.CustomerToken(id));
            s.StatusCodeShouldBeOk();
        });

        output.WriteLine(usage.ToString());
        usage.Checkouts.ShouldBe(1, usage.ToString());
        usage.Statements.ShouldBe(1, usage.ToString());
    }

    [Fact]
    public async Task A_deposit_reads_the_account_and_its_key_in_one_round_trip()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 1m);

        var usage = await app.Database.MeasureAsync(app.Host, s =>
        {
            s.Post.Json(new { amount = 2m }).ToUrl($"/api/accounts/{id}/deposits");
            s.Bearer(app.CustomerToken(id));
            s.StatusCodeShouldBeOk();
        });

        output.WriteLine(usage.ToString());
        usage.Checkouts.ShouldBe(1, usage.ToString());
        usage.RoundTrips.ShouldBeLessThanOrEqualTo(2, usage.ToString());
    }
}
