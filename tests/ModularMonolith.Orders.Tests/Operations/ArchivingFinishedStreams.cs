using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

[Collection(OrdersCollection.Name)]
public sealed class ArchivingFinishedStreams(OrdersApp app)
{
    [Fact]
    public async Task The_archive_verb_archives_finished_orders_which_stay_readable_and_leaves_open_ones_alone()
    {
        var customer = await app.FundedAccountAsync(10m);
        var delivered = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, delivered);
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{delivered}/shipment");
        await app.Call(app.AdminToken(), "POST", $"/api/orders/{delivered}/delivery", new { deliveredOn = DateOnly.FromDateTime(DateTime.UtcNow) });
        var paid = await app.SeedsCartAsync(customer);
        await app.CheckOutAsync(customer, paid);

        var (exit, output) = await HostProcess.RunAsync(app, "archive", "--module", "orders", "--older-than-days", "0");

        exit.ShouldBe(0, output);
        output.ShouldContain("orders: ");
        (await ArchivedAsync(delivered)).ShouldBeTrue();
        (await ArchivedAsync(paid)).ShouldBeFalse();

        (await app.Call(app.CustomerToken(customer), "GET", $"/api/orders/{delivered}")).GetProperty("status").GetString().ShouldBe("completed");
        var trail = await app.Call(app.CustomerToken(customer), "GET", $"/api/orders/{delivered}/events");
        trail.GetProperty("events").GetArrayLength().ShouldBe(4);
    }

    [Fact]
    public async Task A_dry_run_archives_nothing_and_a_bad_module_fails()
    {
        var (exit, output) = await HostProcess.RunAsync(app, "archive", "--dry-run", "--older-than-days", "0");
        exit.ShouldBe(0, output);
        output.ShouldContain("dry run");

        (await HostProcess.RunAsync(app, "archive", "--module", "nowhere")).Exit.ShouldNotBe(0);
    }

    private async Task<bool> ArchivedAsync(Guid stream)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select bool_and(is_archived) from orders.mt_events where stream_id = $1", connection);
        command.Parameters.AddWithValue(stream);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
