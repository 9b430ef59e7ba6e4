using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using JasperFx;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using ModularMonolith.Host.Auth;
using ModularMonolith.Testing;
using Wolverine;
using Xunit;

namespace ModularMonolith.Console.Tests;

/// <summary>
/// The host as every test fixture starts it (Alba, the test database and settings: <see cref="AppFixture.UseTestSettings"/>),
/// reached by the browser through a real loopback port (<see cref="LoopbackPort"/>), and one headless Chromium: Debian's,
/// never a downloaded one.
/// </summary>
public sealed class ConsoleApp : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private TestDatabase? _database;
    private IAlbaHost? _host;
    private LoopbackPort? _loopback;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IHost Host => _host!;
    public AuthOptions Auth { get; } = new() { SigningKey = AppFixture.SigningKey };

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: the browser tests need Debian's (apt-get install -y chromium; " +
                                                "eng/test.sh installs it when it runs as root). They never download a browser.");

        _database = await TestDatabase.CreateAsync("console");
        JasperFxEnvironment.AutoStartHost = true;
        _host = await AlbaHost.For<Program>(web =>
        {
            AppFixture.UseTestSettings(web, _database.ConnectionString);
            web.ConfigureServices(services => services.ConfigureWolverine(Invoices.AddTo));
        });
        _loopback = await LoopbackPort.StartAsync(_host.Server.CreateHandler());
        BaseAddress = _loopback.Address;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"]
        });
    }

    public string AdminToken() => AccessTokens.ForAdmin(Auth, DateTimeOffset.UtcNow);
    public string CustomerToken(Guid account) => AccessTokens.ForCustomer(Auth, account, DateTimeOffset.UtcNow);

    /// <summary>A browser page at the given width, signed in as an admin by pasting a token, as a person would.</summary>
    public async Task<ConsolePage> SignedInPageAsync(int width = 1280)
    {
        var page = await NewPageAsync(width);
        await page.Page.GotoAsync("/console");
        await page.Page.GetByLabel("Admin bearer token").FillAsync(AdminToken());
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.Page.WaitForURLAsync("**/console/projections");
        return page;
    }

    public async Task<ConsolePage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = 900 }
        });
        return new ConsolePage(await context.NewPageAsync());
    }

    /// <summary>The API over the same port, for setting up data the way a client would.</summary>
    public async Task<JsonElement> CallAsync(string token, HttpMethod method, string url, object? body = null)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {url} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_loopback is not null) await _loopback.DisposeAsync();
        if (_host is not null) await _host.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}

/// <summary>A page that remembers every error the browser reported: console errors and uncaught exceptions.</summary>
public sealed class ConsolePage
{
    public ConsolePage(IPage page)
    {
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") Errors.Add($"console: {message.Text} ({message.Location})"); };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
    }

    public IPage Page { get; }
    public List<string> Errors { get; } = [];

    /// <summary>
    /// A PNG of the page for docs/operations.md. Written into docs/images of the working copy only when
    /// <c>MM_UPDATE_SCREENSHOTS=1</c>; otherwise beside the test binaries, so that a test run leaves the working copy as
    /// it found it (the pixels differ from run to run: times, ids).
    /// </summary>
    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new PageScreenshotOptions
    {
        Path = Path.Combine(Environment.GetEnvironmentVariable("MM_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots"), $"{name}.png"),
        FullPage = true
    });

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ModularMonolith.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("ModularMonolith.sln not found above the test binaries.");
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleApp>
{
    public const string Name = "console in a browser";
}
