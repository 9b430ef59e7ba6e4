using System.Text;
using System.Text.Json;
using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// The corpus by class of field: every money field × every way to send more than cents or an absurd amount, and every
/// identity and display text field × every kind of hidden character. Each must be a 400 that names the field, and
/// write nothing.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class FieldClassesCorpus(ResilienceApp app)
{
    private static readonly string[] TooPrecise =
        ["1.10000000000000000000000000001", "1.001", "0.009", "1e-3", "100e-5", "1.0000000000000000000000000000000000001"];
    private static readonly string[] OutOfRange = ["1234567890123456789012345678", "79228162514264337593543950336", "1e16", "1e999", "-1e999"];
    private static readonly string[] NotPositive = ["0", "-0", "0e5", "-1", "-0.01", "-1.5e1"];
    private static readonly string[] Huge = ["1000000000000", "9.99e14"];

    internal static readonly string[] Hidden =
        ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u202E", "\u2066", "\u061C", "\u0000", "\u001B", "\u0085",
         "\u2028", "\u2029", "\uE000", "\U000E0041", "\uFFFD"];

    [Fact]
    public async Task Every_money_field_refuses_more_than_cents_absurd_amounts_and_non_positive_values_naming_the_field()
    {
        var (account, admin, token) = await SetUpAsync();
        var sku = $"corpus-{Guid.NewGuid():N}"[..20];
        await Send("PUT", $"/api/catalog/products/{sku}", admin, "{\"name\":\"Thing\",\"unitPrice\":1.50}", 200);
        var fields = new (string Method, string Path, string Token, string Field, Func<string, string> Body)[]
        {
            ("POST", $"/api/accounts/{account}/deposits", token, "amount", v => $"{{\"amount\":{v}}}"),
            ("POST", $"/api/accounts/{account}/withdrawals", token, "amount", v => $"{{\"amount\":{v}}}"),
            ("PUT", $"/api/catalog/products/{sku}", admin, "unitPrice", v => $"{{\"name\":\"Thing\",\"unitPrice\":{v}}}"),
            ("PUT", "/api/catalog/discounts/CORPUS", admin, "amountOff", v => $"{{\"sku\":\"{sku}\",\"requiredQuantity\":1,\"amountOff\":{v}}}")
        };

        var before = await WritesAsync();
        var failures = new List<string>();
        foreach (var (method, path, who, field, body) in fields)
            foreach (var value in TooPrecise.Concat(OutOfRange).Concat(NotPositive).Concat(Huge))
            {
                var (status, text) = await Send(method, path, who, body(value));
                if (status != 400 || !text.Contains($"{field} ")) failures.Add($"{method} {path} {field}={value}: {status} {text}");
            }

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(20)));
        (await WritesAsync()).ShouldBe(before, "a refused amount wrote something");
    }

    [Fact]
    public async Task Every_text_field_refuses_hidden_characters_naming_the_field()
    {
        var (account, admin, token) = await SetUpAsync();
        var sku = $"corpus-{Guid.NewGuid():N}"[..20];
        await Send("PUT", $"/api/catalog/products/{sku}", admin, "{\"name\":\"Thing\",\"unitPrice\":1.50}", 200);
        var cart = JsonDocument.Parse((await Send("POST", "/api/carts", token, null, 201)).Text).RootElement.GetProperty("id").GetGuid();
        static string J(string s) => JsonSerializer.Serialize(s);
        var fields = new (string Method, Func<string, string> Path, string Token, string Field, Func<string, string?> Body)[]
        {
            ("POST", _ => "/api/accounts", "", "name", h => $"{{\"name\":{J("Eve" + h)},\"email\":\"eve.{Guid.NewGuid():N}@example.com\",\"phone\":\"+15551234567\"}}"),
            ("POST", _ => "/api/accounts", "", "email", h => $"{{\"name\":\"Eve\",\"email\":{J($"eve{h}.{Guid.NewGuid():N}@example.com")},\"phone\":\"+15551234567\"}}"),
            ("POST", _ => "/api/accounts", "", "phone", h => $"{{\"name\":\"Eve\",\"email\":\"eve.{Guid.NewGuid():N}@example.com\",\"phone\":{J("+1555" + h + "1234567")}}}"),
            ("PUT", _ => $"/api/accounts/{account}/contact", token, "email", h => $"{{\"email\":{J($"eve{h}@example.com")},\"phone\":\"+15551234567\"}}"),
            ("PUT", _ => $"/api/accounts/{account}/contact", token, "phone", h => $"{{\"email\":\"eve@example.com\",\"phone\":{J("+1555" + h + "1234567")}}}"),
            ("POST", _ => $"/api/accounts/{account}/deposits", token, "reference", h => $"{{\"amount\":1,\"reference\":{J("salary" + h)}}}"),
            ("PUT", _ => $"/api/catalog/products/{sku}", admin, "name", h => $"{{\"name\":{J("Thing" + h)},\"unitPrice\":1.50}}"),
            ("PUT", h => $"/api/catalog/products/{Uri.EscapeDataString("corpus" + h)}", admin, "sku", _ => "{\"name\":\"Thing\",\"unitPrice\":1.50}"),
            ("PUT", h => $"/api/catalog/discounts/{Uri.EscapeDataString("CORPUS" + h)}", admin, "code", _ => $"{{\"sku\":\"{sku}\",\"requiredQuantity\":1,\"amountOff\":0.10}}"),
            ("PUT", _ => "/api/catalog/discounts/CORPUS", admin, "sku", h => $"{{\"sku\":{J(sku + h)},\"requiredQuantity\":1,\"amountOff\":0.10}}"),
            ("POST", _ => $"/api/carts/{cart}/items", token, "sku", h => $"{{\"sku\":{J(sku + h)},\"quantity\":1}}"),
            ("POST", _ => $"/api/carts/{cart}/discount", token, "code", h => $"{{\"code\":{J("CORPUS" + h)}}}")
        };

        var before = await WritesAsync();
        var failures = new List<string>();
        foreach (var (method, path, who, field, body) in fields)
            foreach (var hidden in Hidden)
            {
                var (status, text) = await Send(method, path(hidden), who.Length == 0 ? null : who, body(hidden));
                var named = status == 400 && JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors)
                            && errors.TryGetProperty(field, out _);
                if (!named) failures.Add($"{method} {path(hidden)} {field} with U+{char.ConvertToUtf32(hidden, 0):X4}: {status} {text}");
            }

        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(20)));
        (await WritesAsync()).ShouldBe(before, "a refused text wrote something");
    }

    private async Task<(Guid Account, string Admin, string Token)> SetUpAsync()
    {
        var body = $"{{\"name\":\"Ada\",\"email\":\"ada.{Guid.NewGuid():N}@example.com\",\"phone\":\"+442079460958\"}}";
        var id = JsonDocument.Parse((await Send("POST", "/api/accounts", null, body, 201)).Text).RootElement.GetProperty("id").GetGuid();
        await Send("POST", $"/api/accounts/{id}/deposits", app.CustomerToken(id), "{\"amount\":100}", 200);
        return (id, app.AdminToken(), app.CustomerToken(id));
    }

    private async Task<(long, long, long)> WritesAsync() => (
        await app.CountRowsAsync("accounts.mt_events where type <> 'tombstone'"),
        await app.CountRowsAsync("cart.mt_events where type <> 'tombstone'"),
        await app.CountRowsAsync("cart.mt_doc_discount") + await app.CountRowsAsync("cart.mt_doc_product"));

    private async Task<(int Status, string Text)> Send(string method, string path, string? token, string? body, int? expected = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.ConfigureHttpContext(http =>
            {
                http.Request.Method = method;
                http.Request.Path = Uri.UnescapeDataString(path);
                if (body is null) return;
                var bytes = Encoding.UTF8.GetBytes(body);
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
            });
            if (token is not null) s.Bearer(token);
            if (expected is { } status) s.StatusCodeShouldBe(status);
            else s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }
}
