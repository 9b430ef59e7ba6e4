using Alba;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Host.Operations;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Orders.Tests.Topologies;

/// <summary>
/// One process, the Orders module on a database of its own (ConnectionStrings:Orders): a message an Orders handler
/// gives up on is a dead letter in the orders database, and the admin's views (the reader behind the admin API, the
/// CLI verb, the console and readiness) see it there as well as the main database's.
/// </summary>
public sealed class DeadLettersOfEveryModuleDatabase(DeadLettersOfEveryModuleDatabase.TwoDatabasesApp app)
    : IClassFixture<DeadLettersOfEveryModuleDatabase.TwoDatabasesApp>
{
    public sealed class TwoDatabasesApp : AppFixture
    {
        public string OrdersConnectionString { get; private set; } = "";
        protected override string DatabaseName => "two_databases";

        protected override async Task<IReadOnlyDictionary<string, string>> SettingsAsync()
        {
            OrdersConnectionString = await CreateDatabaseAsync("two_databases_orders");
            return new Dictionary<string, string> { ["ConnectionStrings:Orders"] = OrdersConnectionString };
        }

        protected override void ConfigureServices(IServiceCollection services) => services.ConfigureWolverine(wolverine =>
        {
            wolverine.Discovery.IncludeType(typeof(OrderArchiver));
            wolverine.OnException<ArchiveRefused>().MoveToErrorQueue();
        });
    }

    [Fact]
    public async Task A_dead_letter_in_a_module_database_of_its_own_is_listed_found_counted_and_discarded()
    {
        var id = await PoisonAsync();
        (await LettersInAsync(app.OrdersConnectionString, id)).ShouldBe(1, "the letter is kept in the orders database");
        (await LettersInAsync(app.ConnectionString, id)).ShouldBe(0);

        var list = await app.Host.SendJsonAsync("GET", $"/api/admin/dead-letters?messageType={typeof(ArchiveOrder).FullName}", app.AdminToken());
        list.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ShouldBe([id]);
        (await app.Host.SendJsonAsync("GET", $"/api/admin/dead-letters/{id}", app.AdminToken()))
            .GetProperty("exceptionType").GetString().ShouldBe(typeof(ArchiveRefused).FullName);
        (await app.Host.Server.CreateClient().GetStringAsync("/health/ready")).ShouldContain("Degraded");

        await app.Host.SendJsonAsync("POST", "/api/admin/dead-letters/discard", app.AdminToken(), new { ids = new[] { id } }, 204);
        (await LettersInAsync(app.OrdersConnectionString, id)).ShouldBe(0);
        await app.Host.SendJsonAsync("GET", $"/api/admin/dead-letters/{id}", app.AdminToken(), status: 404);
    }

    [Fact]
    public async Task The_dead_letters_verb_shows_and_discards_a_letter_of_a_module_database_of_its_own()
    {
        var id = (await PoisonAsync()).ToString();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = app.ConnectionString, ["ConnectionStrings__Orders"] = app.OrdersConnectionString
        };

        var (exit, output) = await Operations.HostProcess.RunAsync(settings, "dead-letters", "show", "--id", id);
        exit.ShouldBe(0, output);
        output.ShouldContain(typeof(ArchiveRefused).FullName!);
        (exit, output) = await Operations.HostProcess.RunAsync(settings, "dead-letters", "discard", "--id", id);
        exit.ShouldBe(0, output);
        (await LettersInAsync(app.OrdersConnectionString, Guid.Parse(id))).ShouldBe(0);
    }

    private async Task<Guid> PoisonAsync()
    {
        var session = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).DoNotAssertOnExceptionsDetected()
            .SendMessageAndWaitAsync(new ArchiveOrder(Guid.NewGuid()));
        return session.MovedToErrorQueue.SingleEnvelope<ArchiveOrder>().Id;
    }

    [Theory]
    [InlineData("/console/projections")]
    [InlineData("/console/projections/live")]
    [InlineData("/console/dead-letters")]
    public async Task The_consoles_screens_read_each_module_in_its_own_database(string screen)
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url(screen);
            s.WithRequestHeader("Cookie", $"mm_console={app.AdminToken()}");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task The_consoles_customer_search_and_order_flow_read_each_module_in_its_own_database()
    {
        var customer = Guid.NewGuid();
        foreach (var url in new[] { $"/console/streams?customer={customer}", $"/console/flows/{customer}" })
            await app.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.WithRequestHeader("Cookie", $"mm_console={app.AdminToken()}");
                s.StatusCodeShouldBe(url.Contains("flows") ? 404 : 200); // nothing there: found nowhere, but no failure
            });
    }

    private static async Task<long> LettersInAsync(string connectionString, Guid id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from wolverine.wolverine_dead_letters where id = $1", connection);
        command.Parameters.AddWithValue(id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

public sealed record ArchiveOrder(Guid OrderId);

public sealed class ArchiveRefused(Guid orderId) : Exception($"The archive refused order {orderId}.");

/// <summary>A test-only Orders handler (its store is the orders database's) that always fails.</summary>
[MartenStore(typeof(IOrdersStore))]
public static class OrderArchiver
{
    public static void Handle(ArchiveOrder message) => throw new ArchiveRefused(message.OrderId);
}
