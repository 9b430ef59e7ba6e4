using System.Collections.Concurrent;
using System.Text;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// What the host logs about a request: a client's mistake is exactly one Information line, with no exception and
/// nothing at Warning or above (operators alert on errors); the server's own fault is an Error with its exception.
/// </summary>
public sealed class RefusalLogging(RefusalLogging.LoggingApp app) : IClassFixture<RefusalLogging.LoggingApp>
{
    public sealed class LoggingApp : AppFixture
    {
        public CapturedLogs Logs { get; } = new();
        protected override string DatabaseName => "refusal_logging";
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
    }

    public static TheoryData<string> Refusals => new()
    {
        "400 body of the wrong shape", "400 malformed JSON", "400 invalid amount", "400 body to an endpoint that takes none",
        "404 unknown account", "409 insufficient funds", "412 stale If-Match", "415 no content type", "415 text/plain"
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_request_is_one_information_line_without_an_exception(string refusal)
    {
        var account = await OpenFundedAccountAsync();
        var token = app.CustomerToken(account);
        var deposits = $"/api/accounts/{account}/deposits";
        var (status, method, path, body, contentType, ifMatch) = refusal switch
        {
            "400 body of the wrong shape" => (400, "POST", deposits, "{\"amount\":\"ten\"}", "application/json", null),
            "400 malformed JSON" => (400, "POST", deposits, "{\"amount\":", "application/json", null),
            "400 invalid amount" => (400, "POST", deposits, "{\"amount\":-1}", "application/json", null),
            "400 body to an endpoint that takes none" => (400, "POST", "/api/carts", "{}", "application/json", null),
            "404 unknown account" => (404, "GET", $"/api/accounts/{Guid.NewGuid()}", null, null, null),
            "409 insufficient funds" => (409, "POST", $"/api/accounts/{account}/withdrawals", "{\"amount\":1000}", "application/json", null),
            "412 stale If-Match" => (412, "POST", deposits, "{\"amount\":1}", "application/json", "\"1\""),
            "415 no content type" => (415, "POST", deposits, "{\"amount\":1}", null, null),
            "415 text/plain" => (415, "POST", deposits, "{\"amount\":1}", "text/plain", (string?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal))
        };
        var asAdmin = status == 404;

        app.Logs.Clear();
        await app.Host.Scenario(s =>
        {
            s.ConfigureHttpContext(http =>
            {
                http.Request.Method = method;
                http.Request.Path = path;
                if (body is null) return;
                var bytes = Encoding.UTF8.GetBytes(body);
                if (contentType is not null) http.Request.ContentType = contentType;
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
            });
            s.Bearer(asAdmin ? app.AdminToken() : token);
            if (ifMatch is not null) s.WithRequestHeader("If-Match", ifMatch);
            s.StatusCodeShouldBe(status);
        });

        var entries = app.Logs.For(path);
        entries.Where(e => e.Level >= LogLevel.Warning).ShouldBeEmpty();
        entries.Where(e => e.Exception is not null).ShouldBeEmpty();
        entries.Where(e => e.Level == LogLevel.Information && e.Message.Contains($"refused: {status}")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_server_fault_is_still_an_error_with_its_exception()
    {
        var account = await OpenFundedAccountAsync();
        // The server's own fault, made real: the accounts' snapshot table is gone (renamed back afterwards).
        await ExecuteAsync("alter table accounts.mt_doc_account rename to mt_doc_account_hidden");
        try
        {
            app.Logs.Clear();
            await app.Host.Scenario(s =>
            {
                s.Get.Url($"/api/accounts/{account}");
                s.Bearer(app.AdminToken());
                s.StatusCodeShouldBe(500);
            });
        }
        finally
        {
            await ExecuteAsync("alter table accounts.mt_doc_account_hidden rename to mt_doc_account");
        }

        var errors = app.Logs.For($"/api/accounts/{account}").Where(e => e.Level >= LogLevel.Error).ToList();
        errors.ShouldHaveSingleItem().Exception.ShouldNotBeNull();
    }

    [Fact]
    public async Task No_log_line_holds_what_a_customer_wrote_about_themselves()
    {
        // Personal values carrying a marker, refused every way a sign-up or a contact change can be, then erased.
        var marker = $"zq{Guid.NewGuid():N}"[..14];
        var email = $"{marker}@example.com";
        app.Logs.Clear();
        var opened = await app.Host.SendJsonAsync("POST", "/api/accounts", null,
            new { name = $"Ada {marker}", email, phone = "+442079460958" }, 201);
        var id = opened.GetProperty("id").GetGuid();
        await app.Host.SendJsonAsync("POST", "/api/accounts", null, new { name = $"Twin {marker}", email, phone = "+442079460958" }, 409);
        await app.Host.SendJsonAsync("POST", "/api/accounts", null, new { name = $"Ada {marker}\u0007", email = $"{marker}@nowhere", phone = $"+44 {marker}" }, 400);
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/deposits", app.CustomerToken(id), new { amount = -1, reference = $"rent {marker}\u200B" }, 400);
        await app.Host.SendJsonAsync("PUT", $"/api/accounts/{id}/contact", app.CustomerToken(Guid.NewGuid()), new { email, phone = "+442079460958" }, 403);
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/erasure", app.CustomerToken(id));
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/deposits", app.CustomerToken(id), new { amount = 1, reference = $"after {marker}" }, 409);

        app.Logs.All.Where(e => e.Message.Contains(marker) || (e.Exception?.ToString().Contains(marker) ?? false))
            .Select(e => e.Message).ShouldBeEmpty();
        app.Logs.All.Count(e => e.Message.Contains("refused: 4")).ShouldBe(5);
    }

    private async Task<Guid> OpenFundedAccountAsync()
    {
        var opened = await app.Host.SendJsonAsync("POST", "/api/accounts", null,
            new { name = "Ada", email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" }, 201);
        var id = opened.GetProperty("id").GetGuid();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{id}/deposits", app.CustomerToken(id), new { amount = 10 });
        return id;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Records every log entry with the request path of the ASP.NET Core request scope it was written in, if any.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception, string? RequestPath);

    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public void Clear() => _entries.Clear();

    public IReadOnlyList<Entry> All => _entries.ToList();

    /// <summary>The entries written while serving a request to <paramref name="path"/>.</summary>
    public IReadOnlyList<Entry> For(string path) => _entries.Where(e => e.RequestPath == path).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            string? path = null;
            logs._scopes.ForEachScope((scope, _) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    foreach (var (key, value) in values)
                        if (key == "RequestPath") path = value?.ToString();
            }, (object?)null);
            logs._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception, path));
        }
    }
}
