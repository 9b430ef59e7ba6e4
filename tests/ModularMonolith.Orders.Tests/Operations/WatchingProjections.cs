using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ModularMonolith.Host.Operations;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

public sealed class JudgingProjectionProgress
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static ProjectionMonitor Monitor() => new(null!, null!, TimeProvider.System,
        Options.Create(new ProjectionHealthOptions { LagThreshold = 100, StallAfter = TimeSpan.FromSeconds(30) }));

    [Fact]
    public void A_projection_that_lags_but_advances_is_running()
    {
        var monitor = Monitor();
        monitor.Judge("s", 100, 5000, T0);
        monitor.Judge("s", 900, 4200, T0.AddSeconds(40)).State.ShouldBe(ShardState.Running);
        monitor.Judge("s", 2000, 3100, T0.AddSeconds(80)).State.ShouldBe(ShardState.Running);
    }

    [Fact]
    public void A_projection_that_lags_without_advancing_turns_stale_after_the_stall_time()
    {
        var monitor = Monitor();
        monitor.Judge("s", 100, 5000, T0).State.ShouldBe(ShardState.Running);
        monitor.Judge("s", 100, 5000, T0.AddSeconds(10)).State.ShouldBe(ShardState.Running);
        monitor.Judge("s", 100, 5000, T0.AddSeconds(31)).State.ShouldBe(ShardState.Stale);
        monitor.Judge("s", 101, 4999, T0.AddSeconds(32)).State.ShouldBe(ShardState.Running);
    }

    [Fact]
    public void A_caught_up_projection_is_running_however_long_it_waits()
    {
        var monitor = Monitor();
        monitor.Judge("s", 100, 0, T0);
        monitor.Judge("s", 100, 0, T0.AddHours(1)).State.ShouldBe(ShardState.Running);
    }

    private static ShardStatus Shard(long lag, ShardState state) =>
        new("accounts", "AccountStatement", 1, "AccountStatement:All", "async", 10, 10 + lag, lag, 1, state, T0);

    [Fact]
    public void Readiness_is_degraded_only_by_a_stalled_projection_beyond_the_threshold()
    {
        ProjectionLagHealthCheck.Evaluate([Shard(5000, ShardState.Running)], 100).Status.ShouldBe(HealthStatus.Healthy);
        ProjectionLagHealthCheck.Evaluate([Shard(50, ShardState.Stale)], 100).Status.ShouldBe(HealthStatus.Healthy);
        var degraded = ProjectionLagHealthCheck.Evaluate([Shard(5000, ShardState.Stale)], 100);
        degraded.Status.ShouldBe(HealthStatus.Degraded);
        degraded.Description!.ShouldContain("accounts/AccountStatement 5000 events behind");
    }
}

[Collection(OrdersCollection.Name)]
public sealed class WatchingProjections(OrdersApp app)
{
    [Fact]
    public async Task Admins_see_every_modules_projections_with_position_lag_and_state()
    {
        var customer = await app.FundedAccountAsync(10m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));
        await app.WaitForAsyncProjectionsAsync();

        var shards = (await app.Call(app.AdminToken(), "GET", "/api/admin/projections")).EnumerateArray().ToList();

        shards.Select(s => $"{s.GetProperty("module").GetString()}/{s.GetProperty("projection").GetString()}").ShouldBe(
            ["accounts/Account", "accounts/AccountStatement", "accounts/OrderPayment", "cart/ProductPerformance", "cart/ShoppingCart",
             "orders/CustomerOrderHistory", "orders/DailySales", "orders/OrderSummary"], ignoreOrder: true);
        var statement = shards.Single(s => s.GetProperty("projection").GetString() == "AccountStatement");
        statement.GetProperty("lifecycle").GetString().ShouldBe("async");
        statement.GetProperty("lagEvents").GetInt64().ShouldBe(0);
        statement.GetProperty("position").GetInt64().ShouldBe(statement.GetProperty("highWaterMark").GetInt64());
        statement.GetProperty("state").GetString().ShouldBe("running");
        shards.Single(s => s.GetProperty("projection").GetString() == "OrderSummary").GetProperty("state").GetString().ShouldBe("inline");
        // A versioned projection is read from its own progress row.
        var sales = shards.Single(s => s.GetProperty("projection").GetString() == "DailySales");
        sales.GetProperty("version").GetInt32().ShouldBe(2);
        sales.GetProperty("shard").GetString().ShouldBe("DailySales:V2:All");
        sales.GetProperty("lagEvents").GetInt64().ShouldBe(0);

        await app.Call(app.CustomerToken(customer), "GET", "/api/admin/projections", status: 403);
    }
}
