using System.Diagnostics;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// Admins rebuild projections with the host's <c>rebuild</c> verb. These tests run the real entry point as a separate
/// process against the test database, after damaging the projection's documents, and expect them back as they were.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class RebuildingThroughTheCommandLine(OrdersApp app)
{
    [Theory]
    [InlineData("orders", "OrderSummary", "orders.mt_doc_ordersummary")]          // inline, Orders module
    [InlineData("accounts", "AccountStatement", "accounts.mt_doc_accountstatement")] // async, Accounts module
    [InlineData("cart", "ProductPerformance", "cart.mt_doc_productperformance")]     // async multi-stream, Cart module
    [InlineData("cart", "ShoppingCart", "cart.mt_doc_shoppingcart")]                 // inline, the Cart module's own pass (ADR 0018)
    public async Task A_damaged_projection_is_rebuilt_from_the_event_log(string module, string projection, string table)
    {
        var customer = await app.FundedAccountAsync(20m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));
        await app.WaitForAsyncProjectionsAsync();
        var before = await DocumentsAsync(table);
        before.ShouldNotBeEmpty();

        await ExecuteAsync($"delete from {table} where id in (select id from {table} limit 1); " +
                           $"update {table} set data = '{{}}'::jsonb where id in (select id from {table} limit 1)");
        (await DocumentsAsync(table)).ShouldNotBe(before);

        var (exit, output) = await HostProcess.RunAsync(app, "rebuild", "--module", module, "--projection", projection);

        exit.ShouldBe(0, output);
        output.ShouldContain($"Rebuilt {projection}:");
        (await DocumentsAsync(table)).ShouldBe(before);
    }

    [Theory]
    [InlineData("nowhere", "OrderSummary", "Unknown module 'nowhere'. Modules: accounts, cart, orders.")]
    [InlineData("orders", "NoSuchProjection", "Module orders has no projection 'NoSuchProjection'. Its projections: OrderSummary")]
    public async Task An_unknown_module_or_projection_fails_with_a_message(string module, string projection, string message)
    {
        var (exit, output) = await HostProcess.RunAsync(app, "rebuild", "--module", module, "--projection", projection);

        exit.ShouldNotBe(0);
        output.ShouldContain(message);
    }

    private async Task<List<(string Id, string Data)>> DocumentsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select id::text, data::text from {table} order by id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Runs the host's entry point from the host's own build output (as an operator would), with CLI arguments. Not from
/// the test folder: JasperFx scans the application folder for command assemblies, and test-only assemblies there
/// (FsCheck and its F# runtime) are not in the host's dependency manifest.
/// </summary>
public static class HostProcess
{
    /// <summary>The host's build output, where an operator runs it from.</summary>
    public static string HostDirectory
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}")
                ? "Release" : "Debug";
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ModularMonolith.sln")))
                    return Path.Combine(dir.FullName, "src", "ModularMonolith.Host", "bin", configuration, "net10.0");
            throw new InvalidOperationException("ModularMonolith.sln not found above the test binaries.");
        }
    }

    public static Task<(int Exit, string Output)> RunAsync(OrdersApp app, params string[] args) =>
        RunAsync(app.ConnectionString, args);

    public static Task<(int Exit, string Output)> RunAsync(string connectionString, params string[] args) =>
        RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = connectionString }, args);

    /// <summary>The verb with these settings (environment variables), e.g. a module on a database of its own.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = HostDirectory
        };
        start.ArgumentList.Add(Path.Combine(HostDirectory, "ModularMonolith.Host.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in settings) start.Environment[name] = value;
        start.Environment["Auth__SigningKey"] = Testing.AppFixture.SigningKey;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
