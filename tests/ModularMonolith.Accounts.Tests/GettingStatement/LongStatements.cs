using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Wolverine.Tracking;
using Xunit;
using Xunit.Abstractions;

namespace ModularMonolith.Accounts.Tests.GettingStatement;

/// <summary>
/// #13: an account's movements are rows of their own, so what the daemon rewrites and what a page reads do not grow
/// with the history; the page, the erasure and a rebuild must still give what one document gave.
/// </summary>
[Collection(AccountsCollection.Name)]
public sealed class LongStatements(AccountsApp app, ITestOutputHelper output)
{
    private const int Movements = 23;

    /// <summary>23 movements: deposits of 10..32 with every third one taken back out, and one order paid and refunded.</summary>
    private async Task<(Guid Id, List<(long Version, decimal Amount, decimal BalanceAfter)> Expected)> LongHistoryAsync()
    {
        var id = await app.OpenAccountAsync();
        var orderId = Guid.NewGuid();
        for (var i = 0; i < Movements - 2; i++)
        {
            if (i % 3 == 2) await app.MoveMoneyAsync(id, "withdrawals", 5m);
            else await app.MoveMoneyAsync(id, "deposits", 10m + i);
        }
        await app.Host.TrackActivity().SendMessageAndWaitAsync(new DebitAccountForOrder(id, orderId, 7m));
        await app.Host.TrackActivity().SendMessageAndWaitAsync(new RefundAccountForOrder(id, orderId, 7m));
        await app.WaitForAsyncProjectionsAsync();
        return (id, await ReplayAsync(id));
    }

    /// <summary>The audit trail's money events folded here, independently of the projection.</summary>
    private async Task<List<(long, decimal, decimal)>> ReplayAsync(Guid id)
    {
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/events?pageSize=200", app.CustomerToken(id));
        var expected = new List<(long, decimal, decimal)>();
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
            var amount = sign * e.GetProperty("data").GetProperty("amount").GetDecimal();
            balance += amount;
            expected.Add((e.GetProperty("version").GetInt64(), amount, balance));
        }
        return expected;
    }

    private Task<JsonElement> PageAsync(Guid id, string query) =>
        app.Host.GetAsJson<JsonElement>($"/api/accounts/{id}/statement{query}", app.CustomerToken(id));

    private static List<(long, decimal, decimal)> Lines(JsonElement page) =>
        page.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("version").GetInt64(), l.GetProperty("amount").GetDecimal(),
                l.GetProperty("balanceAfter").GetDecimal()))
            .ToList();

    [Fact]
    public async Task A_long_statement_pages_by_position_first_middle_and_last_page_with_the_balance_and_total()
    {
        var (id, expected) = await LongHistoryAsync();
        expected.Count.ShouldBe(Movements);

        foreach (var (page, skip, take) in new[] { (1, 0, 5), (3, 10, 5), (5, 20, 3), (6, 0, 0) })
        {
            var answer = await PageAsync(id, $"?page={page}&pageSize=5");
            answer.GetProperty("page").GetInt32().ShouldBe(page);
            answer.GetProperty("pageSize").GetInt32().ShouldBe(5);
            answer.GetProperty("totalLines").GetInt32().ShouldBe(Movements);
            answer.GetProperty("balance").GetDecimal().ShouldBe(expected[^1].BalanceAfter);
            Lines(answer).ShouldBe(expected.Skip(skip).Take(take).ToList(), $"page {page}");
        }
        Lines(await PageAsync(id, "")).ShouldBe(expected);
    }

    [Fact]
    public async Task An_erasure_blanks_the_reference_of_every_line()
    {
        var id = await app.OpenAccountAsync();
        var token = app.CustomerToken(id);
        for (var i = 1; i <= 12; i++)
            await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/deposits", token, new { amount = i, reference = $"gift {i}" });
        await app.WaitForAsyncProjectionsAsync();
        (await PageAsync(id, "?pageSize=100")).GetProperty("lines")[11].GetProperty("reference").GetString().ShouldBe("gift 12");

        await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/erasure", token);
        await app.WaitForAsyncProjectionsAsync();

        var statement = await PageAsync(id, "?pageSize=100");
        statement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("reference").GetString())
            .ShouldAllBe(r => r == PersonalDataKey.ErasedText);
        // Not only unreadable without the key: the ciphertext itself is gone from every row.
        (await ScalarAsync<long>("select count(*) from accounts.mt_doc_statemententry where data ->> 'accountId' = @id " +
                                 "and data ->> 'reference' is distinct from @erased", id,
            ("erased", SealedText.Erased.Stored))).ShouldBe(0);
        (await ScalarAsync<long>("select count(*) from accounts.mt_doc_statemententry where data ->> 'accountId' = @id", id)).ShouldBe(12);
    }

    [Fact]
    public async Task A_rebuild_gives_the_same_statement_and_the_same_rows()
    {
        var (id, _) = await LongHistoryAsync();
        var before = (await PageAsync(id, "?pageSize=100")).GetRawText();
        var rowsBefore = await ScalarAsync<string>(RowsOf, id);

        var store = app.Host.Services.GetRequiredService<IAccountsStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync("AccountStatement", TimeSpan.FromMinutes(1), CancellationToken.None);

        (await PageAsync(id, "?pageSize=100")).GetRawText().ShouldBe(before);
        (await ScalarAsync<string>(RowsOf, id)).ShouldBe(rowsBefore);
    }

    private const string RowsOf =
        "select string_agg(id || ' ' || data::text, E'\\n' order by id) from accounts.mt_doc_statemententry where data ->> 'accountId' = @id";

    /// <summary>
    /// Fails on the design before #13, where the head held every line: the stored head, which the daemon reads and
    /// rewrites at every batch and every page read loaded, stays the same size from 1 movement to 23, and page 1 of a
    /// long history is read in one round trip that fetches only its rows.
    /// </summary>
    [Fact]
    public async Task Reading_a_page_does_not_load_the_whole_history()
    {
        var shortOne = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(shortOne, "deposits", 10m);
        var (longOne, _) = await LongHistoryAsync();

        const string headSize = "select octet_length(data::text) from accounts.mt_doc_accountstatement where id = @id::uuid";
        var (shortHead, longHead) = (await ScalarAsync<int>(headSize, shortOne), await ScalarAsync<int>(headSize, longOne));
        output.WriteLine($"stored head: {shortHead} bytes after 1 movement, {longHead} after {Movements}");
        longHead.ShouldBeLessThanOrEqualTo(shortHead + 4);

        await PageAsync(longOne, "?pageSize=2"); // warms what is paid once per host
        var usage = await app.Database.MeasureAsync(app.Host, s =>
        {
            s.Get.Url($"/api/accounts/{longOne}/statement?pageSize=2");
            s.Bearer(app.CustomerToken(longOne));
            s.StatusCodeShouldBeOk();
        });
        output.WriteLine(usage.ToString());
        usage.RoundTrips.ShouldBe(1, usage.ToString());
        usage.Commands.Single().ShouldContain("mt_doc_statemententry");
    }

    private async Task<T> ScalarAsync<T>(string sql, Guid id, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id.ToString());
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
