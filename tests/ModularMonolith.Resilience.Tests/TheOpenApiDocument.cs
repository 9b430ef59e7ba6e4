using System.Text.Json;
using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Resilience.Tests;

/// <summary>
/// The OpenAPI document is what a client is generated from, so it must say what the API does. Every response the
/// suite provokes is also checked against it (<see cref="ResponseContract"/>, run by the fixture after each scenario).
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class TheOpenApiDocument(ResilienceApp app)
{
    private async Task<JsonElement> DocumentAsync() =>
        JsonDocument.Parse(await (await app.Host.Scenario(s => s.Get.Url("/openapi/v1.json"))).ReadAsTextAsync()).RootElement;

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (op.Name.ToUpperInvariant(), path.Name, op.Value)));

    [Fact]
    public async Task Sign_up_needs_no_token_and_every_other_operation_declares_the_bearer_scheme_and_a_401()
    {
        var document = await DocumentAsync();
        document.TryGetProperty("security", out _).ShouldBeFalse("security is declared per operation, not for the document");

        foreach (var (method, path, operation) in Operations(document))
        {
            var security = operation.GetProperty("security");
            var responses = operation.GetProperty("responses");
            if (method == "POST" && path == "/api/accounts")
            {
                security.GetArrayLength().ShouldBe(0, "sign-up is anonymous");
                responses.TryGetProperty("401", out _).ShouldBeFalse();
            }
            else
            {
                security.EnumerateArray().Single().TryGetProperty("Bearer", out _).ShouldBeTrue($"{method} {path}");
                responses.TryGetProperty("401", out _).ShouldBeTrue($"{method} {path} does not declare 401");
            }
        }
    }

    [Fact]
    public async Task Every_error_answer_is_a_problem_details_and_operations_are_grouped_by_module_not_by_dotnet_type()
    {
        var document = await DocumentAsync();
        foreach (var (method, path, operation) in Operations(document))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                response.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema")
                    .GetProperty("$ref").GetString().ShouldBe("#/components/schemas/ProblemDetails", $"{method} {path} {response.Name}");
            foreach (var tag in operation.GetProperty("tags").EnumerateArray())
                tag.GetString().ShouldBeOneOf("Accounts", "Cart", "Orders", "Operations");
        }
        var amount = document.GetProperty("components").GetProperty("schemas").GetProperty("DepositFunds")
            .GetProperty("properties").GetProperty("amount");
        amount.GetProperty("type").GetString().ShouldBe("number", "money is a JSON number, required here");
        amount.GetProperty("format").GetString().ShouldBe("decimal");

        var text = document.GetRawText();
        var leak = text.IndexOf("ModularMonolith.", StringComparison.Ordinal);
        leak.ShouldBe(-1, leak < 0 ? null : $"a .NET type name leaks: …{text[Math.Max(0, leak - 80)..Math.Min(text.Length, leak + 80)]}…");
    }

    [Fact]
    public async Task Admin_only_operations_are_marked_and_refuse_a_customer_with_403()
    {
        var document = await DocumentAsync();
        var customer = app.CustomerToken(Guid.NewGuid());
        var adminOnly = Operations(document)
            .Where(o => o.Operation.TryGetProperty("x-admin-only", out var flag) && flag.GetBoolean()).ToList();
        adminOnly.Select(o => $"{o.Method} {o.Path}").ShouldBe([
            "DELETE /api/catalog/products/{sku}", "GET /api/admin/projections", "GET /api/catalog/discounts",
            "GET /api/reports/products", "GET /api/reports/products/{sku}", "GET /api/reports/sales",
            "POST /api/orders/{id}/delivery", "POST /api/orders/{id}/shipment",
            "PUT /api/catalog/discounts/{code}", "PUT /api/catalog/products/{sku}",
            "GET /api/admin/dead-letters", "GET /api/admin/dead-letters/{id}", "POST /api/admin/dead-letters/replay",
            "POST /api/admin/dead-letters/discard"
        ], ignoreOrder: true);

        foreach (var (method, path, _) in adminOnly)
        {
            var url = path.Replace("{id}", Guid.NewGuid().ToString()).Replace("{sku}", "banana").Replace("{code}", "TEN");
            await app.Host.SendJsonAsync(method, url, customer, method == "GET" ? null : new { }, status: 403);
        }
    }

    /// <summary>
    /// Required in the document exactly when validation requires it: an empty body is refused naming every required
    /// field and no optional one.
    /// </summary>
    [Fact]
    public async Task A_field_is_required_in_the_document_exactly_when_an_empty_body_is_refused_for_it()
    {
        var document = await DocumentAsync();
        var admin = app.AdminToken();
        var checkedBodies = 0;
        foreach (var (method, path, operation) in Operations(document).Where(o => o.Operation.TryGetProperty("requestBody", out _)))
        {
            var schemaRef = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
                .GetProperty("schema").GetProperty("$ref").GetString()!;
            var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1]);
            var required = schema.TryGetProperty("required", out var names)
                ? names.EnumerateArray().Select(n => n.GetString()!).ToHashSet()
                : [];

            var url = path.Replace("{id}", Guid.NewGuid().ToString()).Replace("{sku}", "banana").Replace("{code}", "TEN");
            var token = path == "/api/accounts" ? null : admin;
            var problem = await app.Host.SendJsonAsync(method, url, token, new { }, status: 400);
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet()
                .ShouldBe(required, ignoreOrder: true, $"{method} {path}");
            checkedBodies++;
        }
        checkedBodies.ShouldBeGreaterThanOrEqualTo(9);
    }

    [Fact]
    public async Task The_contract_check_catches_an_undeclared_status_and_a_malformed_problem()
    {
        var document = JsonDocument.Parse((await DocumentAsync()).GetRawText());
        var contract = new ResponseContract(document);
        const string problem = "{\"title\":\"t\",\"status\":409,\"detail\":\"d\"}";

        contract.Violations("POST", "/api/accounts/{id}/deposits", 409, "application/problem+json", problem).ShouldBeEmpty();
        contract.Violations("GET", "/api/catalog/products", 404, "application/problem+json", "{\"status\":404}")
            .ShouldHaveSingleItem().ShouldContain("does not declare");
        contract.Violations("POST", "/api/orders/{id}/delivery", 409, "application/problem+json",
                "{\"status\":409,\"detail\":\"d\",\"status\":\"completed\"}")
            .ShouldContain(v => v.Contains("'status' appears 2 times"));
        contract.Violations("POST", "/api/orders/{id}/delivery", 409, "application/problem+json", "{\"status\":\"409\"}")
            .ShouldHaveSingleItem().ShouldContain("not the number 409");
    }
}
