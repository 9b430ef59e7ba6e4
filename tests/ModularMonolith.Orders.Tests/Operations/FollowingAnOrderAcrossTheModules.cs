using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts;
using ModularMonolith.Cart;
using ModularMonolith.Host.AdminConsole.Flows;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// The console's order flow reads the accounts' events of an order from the streams of the accounts the order names,
/// not from the whole accounts event log, and shows the same account events as a search of the whole log would.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class FollowingAnOrderAcrossTheModules(OrdersApp app)
{
    [Fact]
    public async Task The_flow_shows_every_account_event_that_names_the_order_and_no_other()
    {
        var customer = await app.FundedAccountAsync(20m);
        var order = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, order);
        await app.Tracked(() => app.Call(app.CustomerToken(customer), "POST", $"/api/orders/{order}/cancellation"));
        // Noise the flow must leave out: the same customer's next order, another customer's order.
        var next = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, next);
        var other = await app.FundedAccountAsync(20m);
        await app.CheckOutAsync(other, await app.SeedsCartAsync(other));

        using var scope = app.Host.Services.CreateScope();
        var flow = await scope.ServiceProvider.GetRequiredService<OrderFlow>().ReadAsync(order, CancellationToken.None);

        var shown = flow.Steps.Where(s => s.Module == AccountsModule.Schema && s.What.StartsWith("event", StringComparison.Ordinal)).Select(s => s.Link).ToList();
        var named = await AccountEventsNamingAsync(order);
        named.Count.ShouldBe(2); // debited, then refunded
        shown.ShouldBe(named);
        flow.Steps.ShouldContain(s => s.Module == CartModule.Schema);
        flow.Steps.ShouldContain(s => s.Module == OrdersModule.Schema);
        // A node running Accounts without Cart and Orders finds the same account in its payment rows.
        (await AccountsPaidForAsync(order)).ShouldBe([customer]);
    }

    private async Task<List<Guid>> AccountsPaidForAsync(Guid order)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(OrderFlow.AccountsPaidForOrder, connection);
        command.Parameters.AddWithValue(order.ToString());
        var accounts = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) accounts.Add(reader.GetGuid(0));
        return accounts;
    }

    /// <summary>
    /// Each statement the flow sends searches Marten's (stream_id, version) index of <c>mt_events</c>. The test tables
    /// are small enough that the planner would rather scan them whole, so sequential scans are priced out for the
    /// EXPLAIN: a statement no index can narrow (a search of <c>data->>'orderId'</c> alone, as the flow sent before)
    /// still reads the whole log, by a Seq Scan or by walking the seq_id key.
    /// </summary>
    [Theory]
    [InlineData("accounts")]
    [InlineData("cart")]
    [InlineData("orders")]
    public async Task The_flows_reads_are_served_by_an_index(string module)
    {
        var (sql, parameters) = module switch
        {
            "accounts" => (OrderFlow.AccountEventsOfOrder, new object[] { Guid.NewGuid().ToString(), new[] { Guid.NewGuid() } }),
            _ => (OrderFlow.StreamEvents(module), new object[] { Guid.NewGuid() })
        };
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("set enable_seqscan = off", connection)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand($"explain (format json) {sql}", connection);
        foreach (var parameter in parameters) explain.Parameters.AddWithValue(parameter);
        var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");

        // Not any index: walking the seq_id key in order and filtering every row is an "Index Scan" too, and reads the
        // whole log. The index must be searched on the stream (an Index Cond on stream_id).
        var nodes = Nodes(plan).ToList();
        nodes.ShouldAllBe(n => n.GetProperty("Node Type").GetString() != "Seq Scan", $"plan: {plan}");
        nodes.Any(n => n.TryGetProperty("Index Cond", out var condition) &&
                       condition.GetString()!.Contains("stream_id", StringComparison.Ordinal)).ShouldBeTrue($"plan: {plan}");
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        node.TryGetProperty("Plans", out var children)
            ? children.EnumerateArray().SelectMany(Nodes).Prepend(node)
            : [node];

    /// <summary>The account events that name the order, found by searching the whole accounts event log.</summary>
    private async Task<List<string?>> AccountEventsNamingAsync(Guid order)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select stream_id, version from accounts.mt_events where data->>'orderId' = $1 order by seq_id", connection);
        command.Parameters.AddWithValue(order.ToString());
        var links = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            links.Add($"/console/streams/account/{reader.GetGuid(0)}?version={reader.GetInt64(1)}");
        return links;
    }
}
