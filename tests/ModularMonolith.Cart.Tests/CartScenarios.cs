using System.Text.Json;
using Alba;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Testing;
using Shouldly;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Cart.Tests;

[Collection(CartCollection.Name)]
public sealed class CartScenarios(CartApp app)
{
    private static decimal TotalOf(JsonElement cart) => cart.GetProperty("total").GetDecimal();

    [Fact]
    public async Task A_version_beyond_the_latest_or_an_instant_before_the_cart_says_so_and_only_to_its_owner()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 });

        var beyond = await app.Send(customer, "GET", $"/api/carts/{id}?version=7", status: 404);
        beyond.GetProperty("detail").GetString().ShouldBe($"cart {id} has no version 7; its latest version is 2.");
        var before = await app.Send(customer, "GET", $"/api/carts/{id}?asOf=2001-01-01T00:00:00Z", status: 404);
        before.GetProperty("detail").GetString()!.ShouldStartWith($"cart {id} did not exist yet at 2001-01-01T00:00:00.0000000+00:00; its history starts at ");
        // A stranger learns nothing of the cart's history, not even its length.
        await app.Send(Guid.NewGuid(), "GET", $"/api/carts/{id}?version=7", status: 403);
    }

    [Fact]
    public async Task The_seeds_cart_story_from_opening_to_a_3_90_checkout()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        var items = $"/api/carts/{id}/items";

        TotalOf(await app.Send(customer, "POST", items, new { sku = c.Banana, quantity = 1 })).ShouldBe(1.00m);
        TotalOf(await app.Send(customer, "POST", items, new { sku = c.Apple, quantity = 1 })).ShouldBe(2.50m);
        TotalOf(await app.Send(customer, "POST", items, new { sku = c.Banana, quantity = 1 })).ShouldBe(3.50m);
        TotalOf(await app.Send(customer, "DELETE", $"{items}/{c.Apple}")).ShouldBe(2.00m);
        var discounted = await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = c.TwoBananas });
        TotalOf(discounted).ShouldBe(1.90m);
        discounted.GetProperty("discount").GetProperty("amount").GetDecimal().ShouldBe(0.10m);
        TotalOf(await app.Send(customer, "POST", items, new { sku = c.Mango, quantity = 1 })).ShouldBe(3.90m);

        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync(
            (Func<Wolverine.IMessageContext, Task>)(_ => app.Send(customer, "POST", $"/api/carts/{id}/checkout")));

        var published = tracked.FindSingleTrackedMessageOfType<CartCheckoutCompleted>();
        published.CustomerId.ShouldBe(customer);
        published.Lines.ShouldBe([new CheckedOutLine(c.Banana, "Banana", 2, 1.00m), new CheckedOutLine(c.Mango, "Mango", 1, 2.00m)]);
        published.Discount.ShouldBe(new CheckedOutDiscount(c.TwoBananas, c.Banana, 2, 0.10m));
        published.Total.ShouldBe(3.90m);

        var trail = await app.Host.GetAsJson<JsonElement>($"/api/carts/{id}/events", app.CustomerToken(customer));
        var events = trail.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("type").GetString()).ShouldBe(["cart_opened", "item_added_v2", "item_added_v2", "item_added_v2",
            "item_removed", "discount_applied", "item_added_v2", "cart_checked_out"]);
        events[^1].GetProperty("data").GetProperty("total").GetDecimal().ShouldBe(3.90m);

        var read = await app.Send(customer, "GET", $"/api/carts/{id}");
        read.GetProperty("status").GetString().ShouldBe("checkedOut");
        (await app.Send(customer, "GET", $"/api/carts/{id}?version=3")).GetProperty("total").GetDecimal().ShouldBe(2.50m);
    }

    [Fact]
    public async Task A_price_sent_by_the_client_is_refused_and_the_catalog_price_is_what_counts()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);

        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Mango, quantity = 1, unitPrice = 0.01m }, 400);
        await app.PutProductAsync(c.Mango, "Mango", 2.40m);
        var cart = await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Mango, quantity = 1 });

        cart.GetProperty("lines")[0].GetProperty("unitPrice").GetDecimal().ShouldBe(2.40m);
        TotalOf(cart).ShouldBe(2.40m);
    }

    [Fact]
    public async Task Unknown_inactive_and_invalid_items_are_refused_and_write_nothing()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.PutProductAsync(c.Apple, "Apple", 1.50m, active: false);
        var before = await app.CartEventCountAsync();

        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = "no-such-sku", quantity = 1 }, 400);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Apple, quantity = 1 }, 400);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 0 }, 400);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 101 }, 400);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = "'; drop table cart.mt_events; --", quantity = 1 }, 400);
        await app.Send(customer, "DELETE", $"/api/carts/{id}/items/{c.Banana}", status: 409);
        await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = c.TwoBananas }, 409);
        await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = "NOPE" }, 400);
        await app.Send(customer, "POST", $"/api/carts/{id}/checkout", status: 409);

        (await app.CartEventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_removal_that_breaks_the_discount_revokes_it_with_an_event()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 2 });
        await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = c.TwoBananas });

        var cart = await app.Send(customer, "DELETE", $"/api/carts/{id}/items/{c.Banana}?quantity=1");

        cart.GetProperty("discount").ValueKind.ShouldBe(JsonValueKind.Null);
        TotalOf(cart).ShouldBe(1.00m);
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/carts/{id}/events", app.CustomerToken(customer));
        trail.GetProperty("events").EnumerateArray().Last().GetProperty("type").GetString().ShouldBe("discount_revoked");
    }

    [Fact]
    public async Task A_checked_out_cart_refuses_every_change_and_checking_out_twice_checks_out_once()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 2 });
        await app.Send(customer, "POST", $"/api/carts/{id}/checkout");
        var before = await app.CartEventCountAsync();

        var again = await app.Send(customer, "POST", $"/api/carts/{id}/checkout", status: 409);
        again.GetProperty("detail").GetString()!.ShouldContain("checked out");
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 }, 409);
        await app.Send(customer, "DELETE", $"/api/carts/{id}/items/{c.Banana}", status: 409);
        await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code = c.TwoBananas }, 409);
        await app.Send(customer, "POST", $"/api/carts/{id}/abandonment", status: 409);

        (await app.CartEventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Ten_concurrent_adds_to_one_cart_lose_no_item()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.Host.Scenario(s =>
        {
            s.Post.Json(new { sku = c.Banana, quantity = 1 }).ToUrl($"/api/carts/{id}/items");
            s.Bearer(app.CustomerToken(customer));
            s.IgnoreStatusCode();
        })));

        // No If-Match: a lost race is the server's to retry (ADR 0010), so every add lands.
        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var cart = await app.Send(customer, "GET", $"/api/carts/{id}");
        cart.GetProperty("lines")[0].GetProperty("quantity").GetInt32().ShouldBe(10);
        cart.GetProperty("version").GetInt64().ShouldBe(11);
    }

    [Fact]
    public async Task Racing_checkouts_and_adds_check_the_cart_out_once_and_publish_once()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 });

        Task<IScenarioResult> Post(string path, object? body) => app.Host.Scenario(s =>
        {
            if (body is null) s.Post.Url(path); else s.Post.Json(body).ToUrl(path);
            s.Bearer(app.CustomerToken(customer));
            s.IgnoreStatusCode();
        });

        IScenarioResult[] results = [];
        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).ExecuteAndWaitAsync(
            (Func<Wolverine.IMessageContext, Task>)(async _ => results = await Task.WhenAll(Enumerable.Range(0, 8)
                .Select(i => i % 2 == 0
                    ? Post($"/api/carts/{id}/checkout", null)
                    : Post($"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 })))));

        // A lost race is retried; what is refused is refused by a rule (the cart is checked out), never as "changed concurrently".
        var checkouts = results.Where((_, i) => i % 2 == 0).Select(r => r.Context.Response.StatusCode).ToList();
        checkouts.Count(status => status == 200).ShouldBe(1);
        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200 || status == 409);
        foreach (var refused in results.Where(r => r.Context.Response.StatusCode == 409))
            (await refused.ReadAsTextAsync()).ShouldContain("breaks a business rule");

        var published = tracked.FindSingleTrackedMessageOfType<CartCheckoutCompleted>();
        var added = results.Where((_, i) => i % 2 == 1).Count(r => r.Context.Response.StatusCode == 200);
        published.Lines.Single().Quantity.ShouldBe(1 + added);
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 },
            configure: s => s.WithRequestHeader("If-Match", "\"1\""));
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = c.Banana, quantity = 1 }, 412,
            s => s.WithRequestHeader("If-Match", "\"1\""));
    }

    [Fact]
    public async Task Carts_belong_to_their_customer()
    {
        var owner = Guid.NewGuid();
        var id = await app.OpenCartAsync(owner);

        await app.Send(Guid.NewGuid(), "GET", $"/api/carts/{id}", status: 403);
        await app.Send(Guid.NewGuid(), "POST", $"/api/carts/{id}/abandonment", status: 403);
        await app.Send(Guid.NewGuid(), "GET", $"/api/carts/{id}/events", status: 403);
        await app.Send(owner, "GET", $"/api/carts/{Guid.NewGuid()}", status: 404);
        await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/carts");
            s.StatusCodeShouldBe(401);
        });
        await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/carts");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(403);
        });
        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/carts/{id}");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task Only_admins_manage_the_catalog_and_read_the_reports()
    {
        var customer = Guid.NewGuid();
        await app.Send(customer, "PUT", "/api/catalog/products/kiwi", new { name = "Kiwi", unitPrice = 0.5m }, 403);
        await app.Send(customer, "GET", "/api/reports/products", status: 403);
        await app.Send(customer, "GET", "/api/catalog/discounts", status: 403);
        await app.Send(customer, "GET", "/api/catalog/products");
        await app.Host.Scenario(s =>
        {
            s.Put.Json(new { name = "", unitPrice = 0.001m }).ToUrl("/api/catalog/products/bad sku");
            s.Bearer(app.AdminToken());
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task Product_performance_counts_adds_removals_checkouts_and_abandonments()
    {
        var c = await app.SeedCatalogAsync();
        var customer = Guid.NewGuid();
        var bought = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{bought}/items", new { sku = c.Banana, quantity = 3 });
        await app.Send(customer, "DELETE", $"/api/carts/{bought}/items/{c.Banana}?quantity=1");
        await app.Send(customer, "POST", $"/api/carts/{bought}/checkout");
        var left = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{left}/items", new { sku = c.Banana, quantity = 1 });
        await app.Send(customer, "POST", $"/api/carts/{left}/abandonment");

        await app.WaitForAsyncProjectionsAsync();
        var figures = await app.Host.GetAsJson<JsonElement>($"/api/reports/products/{c.Banana}", app.AdminToken());

        figures.GetProperty("timesAdded").GetInt32().ShouldBe(2);
        figures.GetProperty("unitsAdded").GetInt32().ShouldBe(4);
        figures.GetProperty("unitsRemoved").GetInt32().ShouldBe(1);
        figures.GetProperty("unitsCheckedOut").GetInt32().ShouldBe(2);
        figures.GetProperty("revenueCheckedOut").GetDecimal().ShouldBe(2.00m);
        figures.GetProperty("abandonedCarts").GetInt32().ShouldBe(1);
    }
}
