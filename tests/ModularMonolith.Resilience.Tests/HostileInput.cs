using System.Text;
using System.Text.Json;
using Alba;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Host.Auth;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Wolverine.Tracking;
using Xunit;
using Xunit.Abstractions;

namespace ModularMonolith.Resilience.Tests;

[Collection(ResilienceCollection.Name)]
public sealed class HostileInput(ResilienceApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task Hundreds_of_hostile_requests_get_problem_details_never_a_5xx_and_write_nothing()
    {
        var (corpus, count) = await SetUpAsync();
        var before = await WrittenRows.CountAsync(app);

        var failures = new List<string>();
        foreach (var request in corpus)
        {
            var (status, contentType, body) = await SendAsync(request);
            if (status >= 500) failures.Add($"{status} for {request}: {body}");
            else if (status < 400) failures.Add($"accepted ({status}) {request}: {body}");
            else if (contentType?.StartsWith("application/problem+json") != true)
                failures.Add($"{status} without ProblemDetails ({contentType}) for {request}");
            else if (status == 400 && !JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out _))
                failures.Add($"400 without a detail for {request}: {body}");
        }

        output.WriteLine($"{count} hostile requests sent.");
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(40)));
        count.ShouldBeGreaterThanOrEqualTo(300);
        (await WrittenRows.CountAsync(app)).ShouldBe(before, "a rejected request wrote something");
    }

    private async Task<(IReadOnlyList<HostileRequest> Corpus, int Count)> SetUpAsync()
    {
        var admin = app.AdminToken();
        var customer = await OpenFundedAccountAsync();
        var other = await OpenFundedAccountAsync();
        await Call("PUT", "/api/catalog/products/banana-hostile", admin, "{\"name\":\"Banana\",\"unitPrice\":1.00}");
        var cart = JsonDocument.Parse(await Call("POST", "/api/carts", app.CustomerToken(customer), null, 201)).RootElement.GetProperty("id").GetGuid();
        await Call("POST", $"/api/carts/{cart}/items", app.CustomerToken(customer), "{\"sku\":\"banana-hostile\",\"quantity\":1}");
        var paid = JsonDocument.Parse(await Call("POST", "/api/carts", app.CustomerToken(customer), null, 201)).RootElement.GetProperty("id").GetGuid();
        await Call("POST", $"/api/carts/{paid}/items", app.CustomerToken(customer), "{\"sku\":\"banana-hostile\",\"quantity\":1}");
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).ExecuteAndWaitAsync(
            (Func<Wolverine.IMessageContext, Task>)(_ => Call("POST", $"/api/carts/{paid}/checkout", app.CustomerToken(customer))));

        var other_ = new AuthOptions { SigningKey = "an-attackers-signing-key-0123456789abcdef" };
        var tokens = new HostileCorpus.Tokens(
            app.CustomerToken(customer), app.CustomerToken(other), admin,
            AccessTokens.ForAdmin(other_, DateTimeOffset.UtcNow),
            AccessTokens.Mint(app.Auth, customer.ToString(), "customer", DateTimeOffset.UtcNow.AddHours(-3), TimeSpan.FromHours(1)),
            AccessTokens.Mint(app.Auth, "admin", "admin", DateTimeOffset.UtcNow, audience: "another-api"));
        var corpus = new HostileCorpus(customer, other, cart, paid, tokens).Generate().ToList();
        return (corpus, corpus.Count);
    }

    private async Task<Guid> OpenFundedAccountAsync()
    {
        var body = $"{{\"name\":\"Ada\",\"email\":\"ada.{Guid.NewGuid():N}@example.com\",\"phone\":\"+442079460958\"}}";
        var id = JsonDocument.Parse(await Call("POST", "/api/accounts", null, body, 201)).RootElement.GetProperty("id").GetGuid();
        await Call("POST", $"/api/accounts/{id}/deposits", app.CustomerToken(id), "{\"amount\":100}");
        return id;
    }

    private async Task<string> Call(string method, string path, string? token, string? body = null, int status = 200)
    {
        var (actual, _, text) = await SendAsync(new HostileRequest("setup", method, path, body, token));
        actual.ShouldBe(status, text);
        return text;
    }

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(HostileRequest request)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.ConfigureHttpContext(http =>
            {
                http.Request.Method = request.Method;
                var path = request.Path.Split('?')[0];
                http.Request.Path = Uri.UnescapeDataString(path);
                if (request.Body is not null)
                {
                    var bytes = Encoding.UTF8.GetBytes(request.Body);
                    http.Request.ContentType = request.ContentType;
                    http.Request.Body = new MemoryStream(bytes);
                    http.Request.ContentLength = bytes.Length;
                }
                if (request.Token is not null) http.Request.Headers.Authorization = $"Bearer {request.Token}";
                foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
                    http.Request.Headers[name] = value;
            });
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, result.Context.Response.ContentType, await result.ReadAsTextAsync());
    }
}
