using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Testing;
using Shouldly;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// The request-body contract, by class, over every endpoint: a body must be declared JSON (415 otherwise), must fit the
/// endpoint's request (400 naming the JSON field, never a .NET type or namespace), and an endpoint that takes no body
/// refuses one. Every request here targets real data, and nothing may be written.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class RequestBodyContract(ResilienceApp app) : IAsyncLifetime
{
    private Guid _account;
    private Guid _cart;
    private Guid _order;

    /// <summary>A write endpoint with a body, a valid body for it, and for each field a value of the wrong JSON kind.</summary>
    private sealed record BodyEndpoint(string Method, string Path, string Token, JsonObject Valid, Dictionary<string, JsonNode> WrongKinds)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    private IEnumerable<BodyEndpoint> BodyEndpoints()
    {
        var customer = app.CustomerToken(_account);
        var admin = app.AdminToken();
        yield return new("POST", "/api/accounts", "", new JsonObject { ["name"] = "Eve", ["email"] = "eve.body@example.com", ["phone"] = "+15551234567" },
            new() { ["name"] = 1, ["email"] = true, ["phone"] = new JsonArray() });
        foreach (var kind in new[] { "deposits", "withdrawals" })
            yield return new("POST", $"/api/accounts/{_account}/{kind}", customer, new JsonObject { ["amount"] = 10, ["reference"] = "r" },
                new() { ["amount"] = "ten", ["reference"] = 5 });
        yield return new("PUT", $"/api/accounts/{_account}/contact", customer, new JsonObject { ["email"] = "new.body@example.com", ["phone"] = "+15551234567" },
            new() { ["email"] = new JsonObject(), ["phone"] = 15551234567L });
        yield return new("PUT", "/api/catalog/products/body-sku", admin, new JsonObject { ["name"] = "Thing", ["unitPrice"] = 1.5, ["active"] = true },
            new() { ["name"] = false, ["unitPrice"] = "1.50", ["active"] = "yes" });
        yield return new("PUT", "/api/catalog/discounts/BODY", admin, new JsonObject { ["sku"] = "no-such-sku", ["requiredQuantity"] = 2, ["amountOff"] = 0.1, ["active"] = true },
            new() { ["sku"] = 7, ["requiredQuantity"] = 2.5, ["amountOff"] = new JsonArray(), ["active"] = 1 });
        yield return new("POST", $"/api/carts/{_cart}/items", customer, new JsonObject { ["sku"] = "banana-body", ["quantity"] = 1 },
            new() { ["sku"] = new JsonArray(), ["quantity"] = "one" });
        yield return new("POST", $"/api/carts/{_cart}/discount", customer, new JsonObject { ["code"] = "NO_SUCH_CODE" },
            new() { ["code"] = 42 });
        yield return new("POST", $"/api/orders/{_order}/delivery", admin, new JsonObject { ["deliveredOn"] = "2001-01-01" },
            new() { ["deliveredOn"] = 20010101 });
    }

    private IEnumerable<(string Method, string Path, string Token)> BodylessWrites()
    {
        var customer = app.CustomerToken(_account);
        yield return ("POST", "/api/carts", customer);
        yield return ("POST", $"/api/carts/{_cart}/checkout", customer);
        yield return ("POST", $"/api/carts/{_cart}/abandonment", customer);
        yield return ("DELETE", $"/api/carts/{_cart}/items/banana-body", customer);
        yield return ("POST", $"/api/accounts/{_account}/closure", customer);
        yield return ("POST", $"/api/orders/{_order}/shipment", app.AdminToken());
        yield return ("POST", $"/api/orders/{_order}/cancellation", customer);
    }

    [Fact]
    public async Task A_body_of_the_wrong_shape_is_a_400_naming_the_json_field_and_no_dotnet_type()
    {
        var before = await WrittenRows.CountAsync(app);
        var failures = new List<string>();

        foreach (var e in BodyEndpoints())
        {
            foreach (var (field, wrong) in e.WrongKinds)
                Expect(failures, $"{e} {field} = {wrong.ToJsonString()}", await SendAsync(e.Method, e.Path, e.Token, With(e.Valid, field, wrong)), 400, field);
            Expect(failures, $"{e} unknown member", await SendAsync(e.Method, e.Path, e.Token, With(e.Valid, "isAdmin", true)), 400, "isAdmin");
            var valid = e.Valid.ToJsonString();
            foreach (var cut in new[] { valid[..(valid.Length / 2)], valid[..^1], "{" })
                Expect(failures, $"{e} truncated to {cut}", await SendAsync(e.Method, e.Path, e.Token, cut), 400, "body");
            Expect(failures, $"{e} an array for the body", await SendAsync(e.Method, e.Path, e.Token, "[]"), 400, "body");
        }

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
        (await WrittenRows.CountAsync(app)).ShouldBe(before, "a refused request wrote something");
    }

    [Fact]
    public async Task A_body_not_declared_as_json_is_a_415_on_every_endpoint_that_reads_one()
    {
        var before = await WrittenRows.CountAsync(app);
        var failures = new List<string>();

        foreach (var e in BodyEndpoints())
            foreach (var contentType in new string?[] { null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "text/json",
                         "application/merge-patch+json", "application/json; charset=utf-16" })
                Expect(failures, $"{e} as {contentType ?? "no content type"}",
                    await SendAsync(e.Method, e.Path, e.Token, e.Valid.ToJsonString(), contentType), 415, null);

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
        (await WrittenRows.CountAsync(app)).ShouldBe(before, "a refused request wrote something");
    }

    [Fact]
    public async Task Json_with_or_without_a_utf8_charset_is_read()
    {
        var body = JsonSerializer.Serialize(new { sku = "banana-body", quantity = 1 });
        foreach (var contentType in new[] { "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8" })
        {
            var (status, _, text) = await SendAsync("POST", $"/api/carts/{_cart}/items", app.CustomerToken(_account), body, contentType);
            status.ShouldBe(200, $"{contentType}: {text}");
        }
    }

    [Fact]
    public async Task A_body_sent_to_an_endpoint_that_takes_none_is_refused_and_nothing_is_written()
    {
        var before = await WrittenRows.CountAsync(app);
        var failures = new List<string>();

        foreach (var (method, path, token) in BodylessWrites())
            foreach (var (body, contentType) in new (string, string?)[] { ("{{{", "application/json"), ("{}", "application/json"), ("x", "text/plain"), ("{}", null) })
                Expect(failures, $"{method} {path} with {body} as {contentType ?? "no content type"}",
                    await SendAsync(method, path, token, body, contentType), 400, "body");

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
        (await WrittenRows.CountAsync(app)).ShouldBe(before, "a refused request wrote something");
    }

    private static void Expect(List<string> failures, string request, (int Status, string? ContentType, string Body) answer,
        int status, string? field)
    {
        var (actual, contentType, body) = answer;
        if (actual != status) failures.Add($"{request}: {actual} instead of {status}: {body}");
        else if (contentType?.StartsWith("application/problem+json") != true) failures.Add($"{request}: no ProblemDetails ({contentType})");
        else if (body.Contains("ModularMonolith.") || body.Contains("System.")) failures.Add($"{request}: names a .NET type: {body}");
        else if (!JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out _)) failures.Add($"{request}: no detail: {body}");
        else if (field is not null &&
                 !(JsonDocument.Parse(body).RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _)))
            failures.Add($"{request}: errors do not name '{field}': {body}");
    }

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(string method, string path, string token,
        string body, string? contentType = "application/json")
    {
        var result = await app.Host.Scenario(s =>
        {
            s.ConfigureHttpContext(http =>
            {
                http.Request.Method = method;
                http.Request.Path = path;
                var bytes = Encoding.UTF8.GetBytes(body);
                if (contentType is not null) http.Request.ContentType = contentType;
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
            });
            if (token.Length > 0) s.Bearer(token);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, result.Context.Response.ContentType, await result.ReadAsTextAsync());
    }

    private static string With(JsonObject valid, string field, JsonNode? value)
    {
        var copy = (JsonObject)valid.DeepClone();
        copy[field] = value?.DeepClone();
        return copy.ToJsonString();
    }

    public async Task InitializeAsync()
    {
        var admin = app.AdminToken();
        var opened = await app.Host.SendJsonAsync("POST", "/api/accounts", null,
            new { name = "Ada", email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" }, 201);
        _account = opened.GetProperty("id").GetGuid();
        var customer = app.CustomerToken(_account);
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{_account}/deposits", customer, new { amount = 100 });
        await app.Host.SendJsonAsync("PUT", "/api/catalog/products/banana-body", admin, new { name = "Banana", unitPrice = 1.00m });
        _cart = (await app.Host.SendJsonAsync("POST", "/api/carts", customer, status: 201)).GetProperty("id").GetGuid();
        await app.Host.SendJsonAsync("POST", $"/api/carts/{_cart}/items", customer, new { sku = "banana-body", quantity = 1 });
        _order = (await app.Host.SendJsonAsync("POST", "/api/carts", customer, status: 201)).GetProperty("id").GetGuid();
        await app.Host.SendJsonAsync("POST", $"/api/carts/{_order}/items", customer, new { sku = "banana-body", quantity = 1 });
        await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).ExecuteAndWaitAsync(
            (Func<Wolverine.IMessageContext, Task>)(_ => app.Host.SendJsonAsync("POST", $"/api/carts/{_order}/checkout", customer)));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
