using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// Outside Development nothing is created at start-up: <c>db-apply</c> must create every table the running application
/// uses, or the first request that needs a missing one fails in production.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class ApplyingTheSchema(OrdersApp app)
{
    [Fact]
    public async Task Db_apply_on_an_empty_database_creates_every_table_the_running_application_uses()
    {
        // Touch every kind of data: catalog and discount documents, every stream, every projection, messages.
        var customer = await app.FundedAccountAsync(10m);
        await app.CheckOutAsync(customer, await app.SeedsCartAsync(customer));
        await app.WaitForAsyncProjectionsAsync();
        var used = await TablesAsync(app.ConnectionString);

        var empty = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = "mm_test_db_apply" }.ConnectionString;
        await AdminAsync("drop database if exists mm_test_db_apply with (force)", "create database mm_test_db_apply");
        try
        {
            var (exit, output) = await HostProcess.RunAsync(empty, "db-apply");

            exit.ShouldBe(0, output);
            used.Except(await TablesAsync(empty)).ShouldBeEmpty("tables the application uses that db-apply did not create");
        }
        finally
        {
            await AdminAsync("drop database if exists mm_test_db_apply with (force)");
        }
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema in ('accounts', 'cart', 'orders', 'wolverine') order by 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    private async Task AdminAsync(params string[] statements)
    {
        var server = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
