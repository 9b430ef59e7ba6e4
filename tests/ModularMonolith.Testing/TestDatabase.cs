using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ModularMonolith.Testing;

/// <summary>
/// Where the tests' PostgreSQL comes from, decided once per test assembly, in this order:
/// 1. <c>MM_TEST_CONNECTION_STRING</c> (eng/test.sh sets it, starting a local server when no Docker engine answers);
/// 2. a Testcontainers PostgreSQL when a Docker engine is reachable;
/// 3. otherwise the tests fail, saying what to run. A missing database is never a skip, in CI or anywhere.
/// Each test assembly gets a fresh database of its own, so assemblies can run in parallel.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ConnectionStringVariable = "MM_TEST_CONNECTION_STRING";

    private readonly PostgreSqlContainer? _container;

    private TestDatabase(string connectionString, PostgreSqlContainer? container)
    {
        ConnectionString = connectionString;
        _container = container;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string name)
    {
        var server = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(server))
            return new TestDatabase(await RecreateDatabaseAsync(server, name), null);

        PostgreSqlContainer container;
        try
        {
            // Build() already asks Docker for its endpoint, so it belongs inside the try as well.
            container = new PostgreSqlBuilder("postgres:16-alpine").Build();
            await container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL for the tests: {ConnectionStringVariable} is not set and no Docker engine answers. " +
                "Run the tests with eng/test.sh (it starts a local PostgreSQL), or set " +
                $"{ConnectionStringVariable} to a server where the tests may create databases.", e);
        }

        return new TestDatabase(await RecreateDatabaseAsync(container.GetConnectionString(), name), container);
    }

    private static async Task<string> RecreateDatabaseAsync(string serverConnectionString, string name)
    {
        var database = "mm_test_" + new string(name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        await using (var admin = new NpgsqlConnection(serverConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"create database \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
