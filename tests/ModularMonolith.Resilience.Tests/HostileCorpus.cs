using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// Generates requests every one of which must be refused: broken JSON, wrong types, missing and unknown fields,
/// absurd numbers and strings, injection attempts, bad ids, bad headers, wrong content types, oversize bodies, and
/// missing, forged, expired or misdirected tokens. Each targets real data (an account with money, an open cart, a paid
/// order), so a request wrongly accepted would write something.
/// </summary>
public sealed class HostileCorpus(Guid account, Guid otherAccount, Guid cart, Guid order, HostileCorpus.Tokens tokens)
{
    public sealed record Tokens(string Customer, string Other, string Admin, string Forged, string Expired, string WrongAudience);

    /// <summary>A write endpoint: a valid body and, per field, values that must each be refused.</summary>
    private sealed record Endpoint(string Method, string Path, string Token, JsonObject ValidBody,
        IReadOnlyDictionary<string, JsonNode?[]> BadValues);

    internal static readonly string Long = new('x', 10_000);

    private static JsonNode?[] BadText(params JsonNode?[] more) =>
        [123, true, new JsonArray(), new JsonObject(), null, "", "   ", Long, "Ada\u202Eevil", "a\u0000b", .. more];

    private static readonly JsonNode?[] BadMoney =
        ["10", true, null, -1, 0, 0.001m, 1_000_000.01m, 1e20, new JsonArray(), "NaN", "Infinity"];

    private static readonly JsonNode?[] BadQuantity = [1.5, "1", null, -1, 0, 101, 2_147_483_648L, true];

    private IEnumerable<Endpoint> Endpoints()
    {
        var money = new Dictionary<string, JsonNode?[]> { ["amount"] = BadMoney, ["reference"] = [123, Long, "x\u0007y", "\u2066hidden"] };
        yield return new("POST", "/api/accounts", "", new JsonObject { ["name"] = "Eve", ["email"] = "eve@example.com", ["phone"] = "+15551234567" },
            new Dictionary<string, JsonNode?[]>
            {
                ["name"] = BadText(),
                ["email"] = BadText("not-an-email", "eve@localhost", "' or 1=1 --@example.com", "Eve <eve@example.com>"),
                ["phone"] = BadText("555-1234", "+0123456789", "+1 (555) x123", "+123456789012345678")
            });
        yield return new("POST", $"/api/accounts/{account}/deposits", tokens.Customer, new JsonObject { ["amount"] = 10 }, money);
        yield return new("POST", $"/api/accounts/{account}/withdrawals", tokens.Customer, new JsonObject { ["amount"] = 10 }, money);
        yield return new("PUT", $"/api/accounts/{account}/contact", tokens.Customer,
            new JsonObject { ["email"] = "new@example.com", ["phone"] = "+15551234567" },
            new Dictionary<string, JsonNode?[]> { ["email"] = BadText("x@y", "@example.com"), ["phone"] = BadText("12345") });
        yield return new("PUT", "/api/catalog/products/hostile-sku", tokens.Admin,
            new JsonObject { ["name"] = "Thing", ["unitPrice"] = 1.5 },
            new Dictionary<string, JsonNode?[]> { ["name"] = BadText(), ["unitPrice"] = BadMoney, ["active"] = ["yes", 1, new JsonObject()] });
        yield return new("PUT", "/api/catalog/discounts/HOSTILE", tokens.Admin,
            new JsonObject { ["sku"] = "no-such-sku-anywhere", ["requiredQuantity"] = 2, ["amountOff"] = 0.1 },
            new Dictionary<string, JsonNode?[]> { ["requiredQuantity"] = BadQuantity, ["amountOff"] = BadMoney });
        yield return new("POST", $"/api/carts/{cart}/items", tokens.Customer, new JsonObject { ["sku"] = "banana-hostile", ["quantity"] = 1 },
            new Dictionary<string, JsonNode?[]>
            {
                ["sku"] = BadText("../../etc/passwd", "'; delete from cart.mt_events; --", "sku with spaces"),
                ["quantity"] = BadQuantity,
                ["unitPrice"] = [0.01, 0, -5]
            });
        yield return new("POST", $"/api/carts/{cart}/discount", tokens.Customer, new JsonObject { ["code"] = "NO_SUCH_CODE" },
            new Dictionary<string, JsonNode?[]> { ["code"] = BadText("{\"$ne\":null}", "CODE;DROP") });
        yield return new("POST", $"/api/orders/{order}/delivery", tokens.Admin, new JsonObject { ["deliveredOn"] = "2001-01-01" },
            new Dictionary<string, JsonNode?[]> { ["deliveredOn"] = ["2026-13-01", "yesterday", 20260101, "", null, "2026-01-01T00:00:00Z"] });
    }

    /// <summary>Writes that take no body.</summary>
    private IEnumerable<(string Method, string Path, string Token)> BodylessWrites()
    {
        yield return ("POST", "/api/carts", tokens.Customer);
        yield return ("POST", $"/api/carts/{cart}/checkout", tokens.Customer);
        yield return ("POST", $"/api/carts/{cart}/abandonment", tokens.Customer);
        yield return ("DELETE", $"/api/carts/{cart}/items/banana-hostile", tokens.Customer);
        yield return ("POST", $"/api/accounts/{account}/closure", tokens.Customer);
        yield return ("POST", $"/api/orders/{order}/shipment", tokens.Admin);
        yield return ("POST", $"/api/orders/{order}/cancellation", tokens.Customer);
    }

    public IEnumerable<HostileRequest> Generate()
    {
        string[] brokenBodies = ["", "{", "[", "null", "\"text\"", "42", "{\"a\":", "{\"amount\":1e999}", "\u0000",
            new string('[', 500) + new string(']', 500), "{\"amount\":10,,}", "{'amount':10}", "{\"amount\":\"\\ud800\"}"];

        foreach (var e in Endpoints())
        {
            foreach (var body in brokenBodies)
                yield return new($"broken JSON {Escape(body)}", e.Method, e.Path, body, e.Token);

            yield return new("empty object: required fields missing", e.Method, e.Path, "{}", e.Token);
            yield return new("unknown field", e.Method, e.Path, With(e.ValidBody, "isAdmin", true), e.Token);

            foreach (var (field, values) in e.BadValues)
                foreach (var value in values)
                    yield return new($"{field} = {Escape(value?.ToJsonString() ?? "null")}", e.Method, e.Path, With(e.ValidBody, field, value), e.Token);

            if (e.Token.Length == 0) continue;
            var valid = e.ValidBody.ToJsonString();
            yield return new("text/plain body", e.Method, e.Path, valid, e.Token, "text/plain");
            yield return new("XML content type", e.Method, e.Path, valid, e.Token, "application/xml");
            yield return new("body over 64 KB", e.Method, e.Path, With(e.ValidBody, "padding", new string('p', 70_000)), e.Token);
            foreach (var (why, token) in BadTokens())
                yield return new(why, e.Method, e.Path, valid, token);
        }

        foreach (var (method, path, token) in BodylessWrites())
        {
            foreach (var (why, bad) in BadTokens())
                yield return new(why, method, path, null, bad);
            foreach (var ifMatch in new[] { "abc", "W/\"1\"", "\"1\", \"2\"", "\"99999999999999999999999\"", "\"0\"", "\"-3\"" })
                yield return new($"If-Match {ifMatch}", method, path, null, token, Headers: new Dictionary<string, string> { ["If-Match"] = ifMatch });
        }

        foreach (var id in new[] { "not-a-guid", "00000000-0000-0000-0000-000000000000", "%00", "..%2F..%2Fetc", "' or '1'='1" })
        {
            yield return new($"account id {id}", "POST", $"/api/accounts/{id}/deposits", "{\"amount\":10}", tokens.Admin);
            yield return new($"cart id {id}", "POST", $"/api/carts/{id}/items", "{\"sku\":\"banana-hostile\",\"quantity\":1}", tokens.Admin);
            yield return new($"order id {id}", "POST", $"/api/orders/{id}/shipment", null, tokens.Admin);
        }

        yield return new("another customer's account", "POST", $"/api/accounts/{otherAccount}/deposits", "{\"amount\":10}", tokens.Customer);
        yield return new("another customer's cart", "POST", $"/api/carts/{cart}/items", "{\"sku\":\"banana-hostile\",\"quantity\":1}", tokens.Other);
        yield return new("another customer's order", "POST", $"/api/orders/{order}/cancellation", null, tokens.Other);
        yield return new("a customer shipping", "POST", $"/api/orders/{order}/shipment", null, tokens.Customer);
        yield return new("a customer changing the catalog", "PUT", "/api/catalog/products/banana-hostile", "{\"name\":\"Free\",\"unitPrice\":0.01}", tokens.Customer);
        foreach (var key in new[] { new string('k', 5000), "\u202E", "" })
            yield return new($"Idempotency-Key of {key.Length} chars on an invalid body", "POST", $"/api/accounts/{account}/deposits",
                "{\"amount\":-1}", tokens.Customer, Headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
    }

    private IEnumerable<(string Why, string? Token)> BadTokens()
    {
        yield return ("no token", null);
        yield return ("token signed with another key", tokens.Forged);
        yield return ("expired token", tokens.Expired);
        yield return ("token for another audience", tokens.WrongAudience);
        yield return ("garbage token", "not.a.jwt");
        yield return ("alg none token", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.");
    }

    private static string With(JsonObject valid, string field, JsonNode? value)
    {
        var copy = (JsonObject)valid.DeepClone();
        copy[field] = value?.DeepClone();
        return copy.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static string Escape(string s) => s.Length > 40 ? $"{s[..20]}…({s.Length} chars)" : s;
}
