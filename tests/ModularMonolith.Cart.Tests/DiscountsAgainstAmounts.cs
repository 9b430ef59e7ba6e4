using ModularMonolith.Cart.Catalog;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>A discount is judged against what it applies to: it never takes off more than its sku's lines cost.</summary>
[Collection(CartCollection.Name)]
public sealed class DiscountsAgainstAmounts(CartApp app)
{
    [Fact]
    public async Task A_discount_larger_than_its_sku_is_capped_and_a_cart_left_at_zero_cannot_be_checked_out()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (lime, mango, code) = ($"lime-{suffix}", $"mango-{suffix}", $"LIME5-{suffix}".ToUpperInvariant());
        await app.PutProductAsync(lime, "Lime", 1.50m);
        await app.PutProductAsync(mango, "Mango", 2.00m);
        await app.Host.SendJsonAsync("PUT", $"/api/catalog/discounts/{code}", app.AdminToken(), new PutDiscount(lime, 1, 5.00m, true));
        var customer = Guid.NewGuid();
        var id = await app.OpenCartAsync(customer);
        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = lime, quantity = 1 });

        var cart = await app.Send(customer, "POST", $"/api/carts/{id}/discount", new { code });
        cart.GetProperty("subtotal").GetDecimal().ShouldBe(1.50m);
        cart.GetProperty("discount").GetProperty("amount").GetDecimal().ShouldBe(1.50m);
        cart.GetProperty("total").GetDecimal().ShouldBe(0m);

        var before = (await app.CartEventCountAsync(), await app.CountRowsAsync("wolverine.wolverine_incoming_envelopes"));
        var refused = await app.Send(customer, "POST", $"/api/carts/{id}/checkout", status: 409);
        refused.GetProperty("detail").GetString().ShouldBe(
            $"cart {id} totals 0.00 after discount {code}: only a cart with a positive total can be checked out.");
        (await app.CartEventCountAsync(), await app.CountRowsAsync("wolverine.wolverine_incoming_envelopes")).ShouldBe(before);

        await app.Send(customer, "POST", $"/api/carts/{id}/items", new { sku = mango, quantity = 1 });
        var checkedOut = await app.Send(customer, "POST", $"/api/carts/{id}/checkout");
        checkedOut.GetProperty("total").GetDecimal().ShouldBe(2.00m);
        checkedOut.GetProperty("discount").GetProperty("amount").GetDecimal().ShouldBe(1.50m);
    }
}
