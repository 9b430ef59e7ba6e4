using ModularMonolith.Testing;
using System.Text.Json;
using ModularMonolith.Accounts.Contracts;
using Shouldly;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Accounts.Tests.GettingStatement;

[Collection(AccountsCollection.Name)]
public sealed class StatementScenarios(AccountsApp app)
{
    [Fact]
    public async Task The_statement_lists_every_movement_with_a_running_balance_equal_to_a_replay_of_the_stream()
    {
        var id = await app.OpenAccountAsync();
        var orderId = Guid.NewGuid();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        await app.MoveMoneyAsync(id, "withdrawals", 30m);
        await app.Host.TrackActivity().SendMessageAndWaitAsync(new DebitAccountForOrder(id, orderId, 50m));
        await app.Host.TrackActivity().SendMessageAndWaitAsync(new RefundAccountForOrder(id, orderId, 50m));
        await app.MoveMoneyAsync(id, "deposits", 0.5m);

        await app.WaitForAsyncProjectionsAsync();
        var statement = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/statement", app.CustomerToken(id));

        // The replay: the audit trail's money events, folded here independently of the projection.
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/events", app.CustomerToken(id));
        var expected = new List<(long Version, decimal Amount, decimal Balance)>();
        var balance = 0m;
        foreach (var e in trail.GetProperty("events").EnumerateArray())
        {
            var sign = e.GetProperty("type").GetString() switch
            {
                "funds_deposited" or "order_payment_refunded" => 1,
                "funds_withdrawn" or "order_payment_debited" => -1,
                _ => 0
            };
            if (sign == 0) continue;
            balance += sign * e.GetProperty("data").GetProperty("amount").GetDecimal();
            expected.Add((e.GetProperty("version").GetInt64(), sign * e.GetProperty("data").GetProperty("amount").GetDecimal(), balance));
        }

        var lines = statement.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("version").GetInt64(), l.GetProperty("amount").GetDecimal(), l.GetProperty("balanceAfter").GetDecimal()))
            .ToList();
        lines.ShouldBe(expected);
        statement.GetProperty("balance").GetDecimal().ShouldBe(70.5m);
        statement.GetProperty("lines")[2].GetProperty("orderId").GetGuid().ShouldBe(orderId);
        statement.GetProperty("lines")[2].GetProperty("kind").GetString().ShouldBe("orderDebit");
    }

    [Fact]
    public async Task The_statement_pages()
    {
        var id = await app.OpenAccountAsync();
        for (var i = 1; i <= 5; i++) await app.MoveMoneyAsync(id, "deposits", i);
        await app.WaitForAsyncProjectionsAsync();

        var page = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/statement?page=2&pageSize=2", app.CustomerToken(id));

        page.GetProperty("totalLines").GetInt32().ShouldBe(5);
        page.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()).ShouldBe([3m, 4m]);
    }
}
