using System.Text.Json;
using Alba;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>The Idempotency-Key mechanism every POST endpoint shares (host Wiring/IdempotencyKeys.cs).</summary>
[Collection(CartCollection.Name)]
public sealed class IdempotencyKeyScenarios(CartApp app)
{
    private Task<IScenarioResult> OpenCart(Guid customer, string key) => app.Host.Scenario(s =>
    {
        s.Post.Url("/api/carts");
        s.Bearer(app.CustomerToken(customer));
        s.WithRequestHeader("Idempotency-Key", key);
        s.IgnoreStatusCode();
    });

    [Fact]
    public async Task Replaying_a_key_returns_the_first_response_without_doing_the_work_again()
    {
        var customer = Guid.NewGuid();
        var key = Guid.NewGuid().ToString();
        var before = await app.CartEventCountAsync();

        var first = await OpenCart(customer, key);
        var replay = await OpenCart(customer, key);

        first.Context.Response.StatusCode.ShouldBe(201);
        replay.Context.Response.StatusCode.ShouldBe(201);
        replay.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        (await replay.ReadAsTextAsync()).ShouldBe(await first.ReadAsTextAsync());
        (await app.CartEventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_is_a_422()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        var key = Guid.NewGuid().ToString();

        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 },
            configure: s => s.WithRequestHeader("Idempotency-Key", key));
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 2 }, 422,
            s => s.WithRequestHeader("Idempotency-Key", key));

        (await app.Send(customer, "GET", $"/api/carts/{id}")).GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_replays_of_one_key_do_the_work_once()
    {
        var customer = Guid.NewGuid();
        var key = Guid.NewGuid().ToString();
        var before = await app.CartEventCountAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OpenCart(customer, key)));

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToList();
        statuses.ShouldAllBe(s => s == 201 || s == 409);
        var locations = results.Where(r => r.Context.Response.StatusCode == 201)
            .Select(r => r.Context.Response.Headers.Location.ToString()).Distinct().ToList();
        locations.Count.ShouldBe(1);
        (await app.CartEventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task The_same_key_from_another_customer_is_theirs_alone()
    {
        var key = Guid.NewGuid().ToString();
        var mine = await OpenCart(Guid.NewGuid(), key);
        var theirs = await OpenCart(Guid.NewGuid(), key);

        theirs.Context.Response.StatusCode.ShouldBe(201);
        theirs.Context.Response.Headers.Location.ToString().ShouldNotBe(mine.Context.Response.Headers.Location.ToString());
    }
}
