using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularMonolith.Host.AdminConsole.Projections;
using ModularMonolith.Host.AdminConsole.SigningIn;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// The console's forms and routes (module, projection, id, version, asOf, from/to, dead-letter ids, filters, trace ids,
/// the sign-in token) are not JSON bodies, so the body rule and <see cref="HostileCorpus"/> do not reach them. Here every
/// one gets the corpus's classes of bad value: hidden and control characters, overlong text, the wrong type, unknown
/// names and ids, negative and huge numbers, malformed dates, injection-shaped text. Each must be a 400, 403 (a refused
/// sign-in) or 404, never a 5xx; write nothing, start no rebuild, log nothing at Warning or above; and never echo
/// markup unencoded. Signed in the way a browser is: the admin's token in the console's cookie, and every POST with the
/// antiforgery token of a page the console rendered for that admin.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed partial class ConsoleCorpus(ResilienceApp app, ITestOutputHelper output)
{
    private const string Script = "<script>alert(1)</script>";
    private static readonly string[] Injections = ["' or '1'='1", "'; drop table wolverine.wolverine_dead_letters; --", Script,
        "../../etc/passwd", "{\"$ne\":null}", "%00", "${jndi:ldap://x}"];
    private static readonly string[] Numbers = ["-1", "0", "1.5", "1e3", "abc", "true", "99999999999999999999", "9223372036854775807", "0x10"];
    private static readonly string[] Dates = ["2026-13-01T00:00:00Z", "yesterday", "2026-01-01", "2026-01-01T25:00:00Z",
        "2026-01-01T00:00:00+99:00", "0001-01-01T00:00:00+14:00", "２０２６-01-01T00:00:00Z", "2026-01-01T00:00:00"];

    private sealed record Hostile(string Why, string Method, string Path, IReadOnlyDictionary<string, string>? Form = null,
        bool SignedIn = true)
    {
        public override string ToString() => $"{Method} {Path} — {Why}";
    }

    [Fact]
    public async Task Every_console_form_and_route_refuses_bad_values_with_a_4xx_page_writes_nothing_and_logs_no_error()
    {
        var account = (await app.Host.SendJsonAsync("POST", "/api/accounts", null,
            new { name = "Ada", email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" }, 201)).GetProperty("id").GetGuid();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{account}/deposits", app.CustomerToken(account), new { amount = 10 });
        // A NUL in the path itself never reaches the application: Kestrel answers 400 to such a request line (the test
        // server, which has no request line, throws instead). In a query or a form it does reach it, and stays.
        var corpus = Corpus(account).Where(r => !Uri.UnescapeDataString(r.Path.Split('?')[0]).Contains('\0')).ToList();

        using var admin = await BrowserAsync(signedIn: true);
        using var anonymous = await BrowserAsync(signedIn: false);
        var (rowsBefore, lettersBefore) = (await WrittenRows.CountAsync(app), await app.CountRowsAsync("wolverine.wolverine_dead_letters"));
        app.Logs.Clear();

        var failures = new List<string>();
        foreach (var request in corpus)
        {
            var (status, contentType, body) = await (request.SignedIn ? admin : anonymous).SendAsync(request);
            var allowed = request.Path.StartsWith("/console/sign-in") ? new[] { 400, 403 } : [400, 404];
            if (!allowed.Contains(status)) failures.Add($"{status} for {request}");
            // The console's own page; or, where the framework refuses before any console code runs (no route matches
            // a non-id, an unreadable form), the host's one ProblemDetails answer.
            else if (body.Length > 0 && contentType is not ("text/html" or "application/problem+json"))
                failures.Add($"{status} without a page ({contentType}) for {request}: {body[..Math.Min(body.Length, 300)]}");
            else if (body.Contains(Script)) failures.Add($"markup echoed unencoded for {request}");
        }

        output.WriteLine($"{corpus.Count} hostile console requests sent.");
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(40)));
        corpus.Count.ShouldBeGreaterThanOrEqualTo(300);
        (await WrittenRows.CountAsync(app)).ShouldBe(rowsBefore, "a refused console request wrote something");
        (await app.CountRowsAsync("wolverine.wolverine_dead_letters")).ShouldBe(lettersBefore, "a refused console request replayed or discarded");
        app.Host.Services.GetRequiredService<ProjectionRebuilds>().All.ShouldBeEmpty("a refused console request started a rebuild");
        app.Logs.All.Where(e => e.RequestPath?.StartsWith(ConsoleAuthentication.Path) == true && e.Level >= LogLevel.Warning)
            .Select(e => $"{e.Level} {e.RequestPath}: {e.Message} {e.Exception?.GetType().Name}").ShouldBeEmpty();
    }

    private static IEnumerable<Hostile> Corpus(Guid account)
    {
        var letter = Guid.NewGuid();
        string Q(string value) => Uri.EscapeDataString(value);
        // Each text a form or route takes, from a valid value: a hidden character inside it, overlong, injection-shaped.
        IEnumerable<string> Texts(string valid) => Hiding(valid).Append(HostileCorpus.Long).Concat(Injections);

        foreach (var module in Texts("orders").Append("payments").Append(""))
            yield return new($"rebuild module {Short(module)}", "POST", "/console/projections/rebuild",
                new Dictionary<string, string> { ["module"] = module, ["projection"] = "DailySales" });
        foreach (var projection in Texts("DailySales").Append("NoSuchProjection").Append(""))
            yield return new($"rebuild projection {Short(projection)}", "POST", "/console/projections/rebuild",
                new Dictionary<string, string> { ["module"] = "orders", ["projection"] = projection });

        foreach (var id in Texts(account.ToString()).Append("not-a-guid"))
        {
            yield return new($"stream search id {Short(id)}", "GET", $"/console/streams?id={Q(id)}");
            yield return new($"stream search customer {Short(id)}", "GET", $"/console/streams?customer={Q(id)}");
            yield return new($"flow search order {Short(id)}", "GET", $"/console/flows?order={Q(id)}");
            yield return new($"stream route id {Short(id)}", "GET", $"/console/streams/account/{Q(id)}");
            yield return new($"dead letter route id {Short(id)}", "GET", $"/console/dead-letters/{Q(id)}");
            yield return new($"flow route id {Short(id)}", "GET", $"/console/flows/{Q(id)}");
            foreach (var action in new[] { "replay", "discard" })
                yield return new($"{action} id {Short(id)}", "POST", $"/console/dead-letters/{action}", new Dictionary<string, string> { ["id"] = id });
        }
        foreach (var kind in Texts("account").Append("invoice").Append("ACCOUNT"))
            yield return new($"stream kind {Short(kind)}", "GET", $"/console/streams/{Q(kind)}/{account}");

        var stream = $"/console/streams/account/{account}";
        foreach (var number in Texts("1").Concat(Numbers))
        {
            yield return new($"version {Short(number)}", "GET", $"{stream}?version={Q(number)}");
            yield return new($"from {Short(number)}", "GET", $"{stream}?from={Q(number)}");
            yield return new($"to {Short(number)}", "GET", $"{stream}?from=1&to={Q(number)}");
        }
        yield return new("version and asOf", "GET", $"{stream}?version=1&asOf={Q("2026-01-01T00:00:00Z")}");
        foreach (var date in Texts("2026-01-01T00:00:00Z").Concat(Dates))
            yield return new($"asOf {Short(date)}", "GET", $"{stream}?asOf={Q(date)}");

        foreach (var module in Texts("orders").Append("payments"))
            yield return new($"dead-letter filter module {Short(module)}", "GET", $"/console/dead-letters?module={Q(module)}");
        foreach (var (field, valid) in new[] { ("messageType", "CartCheckoutCompleted"), ("exceptionType", "System.Exception") })
            foreach (var text in Hiding(valid).Append(HostileCorpus.Long))
                yield return new($"dead-letter filter {field} {Short(text)}", "GET", $"/console/dead-letters?{field}={Q(text)}");

        foreach (var unknown in new[] { letter, Guid.Empty })
        {
            yield return new($"unknown dead letter {unknown}", "GET", $"/console/dead-letters/{unknown}");
            yield return new($"replay unknown dead letter {unknown}", "POST", "/console/dead-letters/replay", new Dictionary<string, string> { ["id"] = unknown.ToString() });
            yield return new($"discard unknown dead letter {unknown}", "POST", "/console/dead-letters/discard", new Dictionary<string, string> { ["id"] = unknown.ToString() });
            yield return new($"unknown stream {unknown}", "GET", $"/console/streams/order/{unknown}");
            yield return new($"unknown order's flow {unknown}", "GET", $"/console/flows/{unknown}");
        }

        foreach (var trace in Texts("0af7651916cd43dd8448eb211c80319c"))
            yield return new($"trace id {Short(trace)}", "GET", $"/console/traces/{Q(trace)}");
        foreach (var file in Texts("console.css").Append("appsettings.json"))
            yield return new($"asset {Short(file)}", "GET", $"/console/assets/{Q(file)}", SignedIn: false);

        foreach (var token in Texts("eyJhbGciOiJIUzI1NiJ9.e30.x").Append("").Append("not.a.jwt"))
            yield return new($"sign-in token {Short(token)}", "POST", "/console/sign-in",
                new Dictionary<string, string> { ["token"] = token }, SignedIn: false);
        yield return new("sign-in development flag not true", "POST", "/console/sign-in",
            new Dictionary<string, string> { ["development"] = "yes" }, SignedIn: false);
    }

    /// <summary>The valid value with each hidden character inside it (at its ends, trimming would take some away).</summary>
    private static IEnumerable<string> Hiding(string valid) =>
        FieldClassesCorpus.Hidden.Select(h => valid[..(valid.Length / 2)] + h + valid[(valid.Length / 2)..]);

    private static string Short(string value) =>
        value.Length > 40 ? $"{value[..20]}…({value.Length} chars)"
        : string.Concat(value.Select(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
            or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
            or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.Surrogate ? $"U+{(int)c:X4}" : c.ToString()));

    /// <summary>A client that keeps its cookies, as a browser does: the console's, if signed in, and antiforgery's.</summary>
    private async Task<ConsoleBrowser> BrowserAsync(bool signedIn)
    {
        var browser = new ConsoleBrowser(app.Host.Server.CreateClient());
        if (signedIn) browser.Cookies[ConsoleAuthentication.CookieName] = app.AdminToken();
        // A page with a form: its hidden field and the cookie that goes with it are what the POSTs must bring.
        var page = await browser.GetPageAsync(signedIn ? "/console/projections" : "/console/sign-in");
        browser.AntiforgeryToken = AntiforgeryField().Match(page).Groups[1].Value;
        browser.AntiforgeryToken.ShouldNotBeEmpty(page);
        return browser;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class ConsoleBrowser(HttpClient client) : IDisposable
    {
        public Dictionary<string, string> Cookies { get; } = new();
        public string AntiforgeryToken { get; set; } = "";

        public async Task<string> GetPageAsync(string path)
        {
            var (status, _, body) = await SendAsync(new Hostile("page", "GET", path));
            status.ShouldBe(200, body);
            return body;
        }

        public async Task<(int Status, string? ContentType, string Body)> SendAsync(Hostile request)
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            if (request.Form is not null)
                message.Content = new FormUrlEncodedContent(request.Form.Append(new("__RequestVerificationToken", AntiforgeryToken)));
            if (Cookies.Count > 0)
                message.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            using var response = await client.SendAsync(message);
            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = setCookie.Split(';')[0].Split('=', 2);
                if (pair[0].StartsWith(".AspNetCore.Antiforgery")) Cookies[pair[0]] = pair[1];
            }
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        }

        public void Dispose() => client.Dispose();
    }
}
