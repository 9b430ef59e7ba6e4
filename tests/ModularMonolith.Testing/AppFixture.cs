using Alba;
using JasperFx;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Host.Auth;
using Npgsql;
using Wolverine;
using Xunit;

namespace ModularMonolith.Testing;

/// <summary>
/// The one place that starts the host for tests: the real Program, over HTTP (Alba), against a real PostgreSQL.
/// Test assemblies share one instance through an xunit collection fixture.
/// </summary>
public abstract class AppFixture : IAsyncLifetime
{
    public const string SigningKey = "tests-only-signing-key-0123456789abcdef";

    private TestDatabase? _database;
    private readonly List<TestDatabase> _moreDatabases = [];

    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString => _database!.ConnectionString;

    /// <summary>The contract every response is checked against; the OpenAPI document the host serves.</summary>
    public ResponseContract Contract { get; private set; } = null!;
    public AuthOptions Auth { get; } = new() { SigningKey = SigningKey };

    /// <summary>Names the database this assembly's tests get (recreated at each run).</summary>
    protected abstract string DatabaseName { get; }

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseName);
        var settings = await SettingsAsync();
        JasperFxEnvironment.AutoStartHost = true;

        Host = await AlbaHost.For<Program>(web =>
        {
            UseTestSettings(web, _database.ConnectionString);
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ResponseRecorder>();
                // Wolverine names its meter after the service and creates one per runtime: a name of each fixture's
                // own keeps the hosts a test process runs side by side from sharing metric streams (Observability.cs).
                services.ConfigureWolverine(wolverine => wolverine.ServiceName = $"{wolverine.ServiceName}.{DatabaseName}");
                ConfigureServices(services);
            });
        });

        // Every response any test provokes is held to the API's contract (ProblemDetails shape, declared statuses).
        Contract = new ResponseContract(System.Text.Json.JsonDocument.Parse(
            await Host.Server.CreateClient().GetStringAsync("/openapi/v1.json")));
        Host.AfterEachAsync(context => Contract.CheckAsync(context!));
    }

    /// <summary>
    /// How every test host runs, over Alba's in-memory server or a real port (the browser tests): Development, the test
    /// database, the tests' signing key, one node without leader election (the async daemon runs in-process at once).
    /// </summary>
    public static void UseTestSettings(IWebHostBuilder web, string connectionString)
    {
        web.UseEnvironment("Development");
        web.UseSetting("ConnectionStrings:Postgres", connectionString);
        web.UseSetting("Auth:SigningKey", SigningKey);
        web.ConfigureServices(services =>
        {
            services.RunWolverineInSoloMode();
            services.DisableAllExternalWolverineTransports();
        });
    }

    /// <summary>A host of one test's own, with the test settings and what <paramref name="configure"/> adds, on a database
    /// the test creates (<see cref="TestDatabase.CreateAsync"/>); the test disposes of both.</summary>
    public static Task<IAlbaHost> StartOwnHostAsync(TestDatabase database, Action<IServiceCollection> configure)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return AlbaHost.For<Program>(web =>
        {
            UseTestSettings(web, database.ConnectionString);
            web.ConfigureServices(configure);
        });
    }

    /// <summary>Settings a fixture adds to the test settings, prepared before the host starts (e.g. a module on a
    /// database of its own, created here).</summary>
    protected virtual Task<IReadOnlyDictionary<string, string>> SettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    /// <summary>Another database on the test server (recreated now, dropped with the fixture): its connection string.</summary>
    protected async Task<string> CreateDatabaseAsync(string name)
    {
        var database = await TestDatabase.CreateAsync(name);
        _moreDatabases.Add(database);
        return database.ConnectionString;
    }

    /// <summary>What a test assembly adds to the host: a logger provider, in-memory exporters, test-only handlers.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public string CustomerToken(Guid accountId) => AccessTokens.ForCustomer(Auth, accountId, DateTimeOffset.UtcNow);
    public string AdminToken() => AccessTokens.ForAdmin(Auth, DateTimeOffset.UtcNow);

    /// <summary>Counts rows in a table, for tests that assert a rejected request wrote nothing (or reads another figure).</summary>
    public async Task<long> CountRowsAsync(string qualifiedTable, string figure = "count(*)")
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select {figure} from {qualifiedTable}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of each row a query returns, as text, for tests that look at what PostgreSQL holds.</summary>
    public async Task<List<string>> ReadTextsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new List<string>();
        while (await reader.ReadAsync()) texts.Add(reader.GetString(0));
        return texts;
    }

    /// <summary>Runs one statement on the test database, for tests that set up a state the host would not write.</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        foreach (var database in _moreDatabases) await database.DisposeAsync();
    }
}
