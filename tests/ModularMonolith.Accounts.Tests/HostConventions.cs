using System.Text.Json;
using Alba;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests;

/// <summary>What the host promises every client, whatever the module.</summary>
[Collection(AccountsCollection.Name)]
public sealed class HostConventions(AccountsApp app)
{
    [Fact]
    public async Task The_openapi_document_describes_every_module_and_the_bearer_scheme()
    {
        var result = await app.Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        var document = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/accounts");
        paths.ShouldContain("/api/carts/{id}/checkout");
        paths.ShouldContain("/api/orders/{id}/shipment");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString().ShouldBe("bearer");
    }

    [Fact]
    public async Task The_browsable_api_reference_is_served()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBeOk();
        });
        (await result.ReadAsTextAsync()).ShouldContain("<html", Case.Insensitive);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_without_a_token(string url)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        (await result.ReadAsTextAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem() =>
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/nothing-here");
            s.StatusCodeShouldBe(404);
        });
}

/// <summary>
/// A RuleViolation's facts become members of the 409's ProblemDetails body, so none may reuse a name the body already
/// has (RFC 9457's or ours): the violation refuses to be built with one, wherever in src it is thrown.
/// </summary>
public sealed class ProblemDetailsMemberNames
{
    [Theory]
    [InlineData("type")]
    [InlineData("title")]
    [InlineData("status")]
    [InlineData("Status")]
    [InlineData("detail")]
    [InlineData("instance")]
    [InlineData("errors")]
    [InlineData("traceId")]
    public void A_rule_violation_cannot_carry_a_fact_named_like_a_problem_details_member(string name) =>
        Should.Throw<ArgumentException>(() =>
            new ModularMonolith.BuildingBlocks.Domain.RuleViolation("refused", new Dictionary<string, object?> { [name] = 1 }));

    [Fact]
    public void A_fact_with_its_own_name_is_fine() =>
        new ModularMonolith.BuildingBlocks.Domain.RuleViolation("refused", new Dictionary<string, object?> { ["orderStatus"] = "paid" })
            .Facts.Keys.ShouldBe(["orderStatus"]);
}
