using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>The <c>projection-status</c> verb, run through the host's entry point like an admin would.</summary>
[Collection(OrdersCollection.Name)]
public sealed class WatchingProjectionsFromTheShell(OrdersApp app)
{
    [Fact]
    public async Task Projection_status_prints_every_modules_projections_with_version_position_and_lag()
    {
        var customer = await app.FundedAccountAsync(10m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));
        await app.WaitForAsyncProjectionsAsync();

        var (exit, output) = await HostProcess.RunAsync(app, "projection-status");

        exit.ShouldBe(0, output);
        // Only what the verb is about: JasperFx's command discovery and Marten's daemon warning (false under
        // Wolverine-managed distribution) used to come first.
        output.ShouldNotContain("for commands");
        output.ShouldNotContain("async daemon is disabled");
        var rows = output.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.ShouldContain(r => r.Length > 0 && r[0] == "MODULE" && r.Contains("LAG"));
        string[] Row(string projection) => rows.Single(r => r.Length > 1 && r[1] == projection);
        Row("DailySales")[..4].ShouldBe(["orders", "DailySales", "2", "async"]);
        Row("OrderSummary")[^1].ShouldBe("inline");
        foreach (var projection in new[] { "AccountStatement", "ProductPerformance", "CustomerOrderHistory", "DailySales" })
        {
            var row = Row(projection);
            row[4].ShouldBe(row[5], $"{projection} should be at the head of its module's log: {string.Join(' ', row)}");
            row[6].ShouldBe("0");
        }
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_a_message()
    {
        var (exit, output) = await HostProcess.RunAsync(
            "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Password=postgres;Timeout=3", "projection-status");

        exit.ShouldNotBe(0);
        output.ShouldContain("The database cannot be reached");
    }
}
