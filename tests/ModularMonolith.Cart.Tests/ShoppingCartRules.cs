using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Cart.AbandoningCart;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.ApplyingDiscount;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Cart.CheckingOut;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Cart.OpeningCart;
using ModularMonolith.Cart.RemovingItem;
using Shouldly;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>Given events, when a command, then events or a refusal.</summary>
public sealed class ShoppingCartRules
{
    private static readonly Guid CartId = Guid.Parse("0199a1b2-0000-7000-8000-00000000c001");
    private static readonly Guid CustomerId = Guid.Parse("0199a1b2-0000-7000-8000-00000000c0c0");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static readonly Product Banana = new() { Id = "banana", Name = "Banana", UnitPrice = 1.00m, Active = true };
    private static readonly Product Apple = new() { Id = "apple", Name = "Apple", UnitPrice = 1.50m, Active = true };
    private static readonly Product Mango = new() { Id = "mango", Name = "Mango", UnitPrice = 2.00m, Active = true };
    private static readonly Discount TwoBananas = new() { Id = "2BANANAS", Sku = "banana", RequiredQuantity = 2, AmountOff = 0.10m, Active = true };

    private static ShoppingCart Given(params object[] events) =>
        new object[] { new CartOpened(CartId, CustomerId, Now) }.Concat(events).Aggregate((ShoppingCart?)null, ShoppingCart.Fold)!;

    private static ItemAdded Added(Product p, int quantity = 1) => new(CartId, p.Id, p.Name, quantity, p.UnitPrice, Now);

    [Fact]
    public void The_seeds_story_totals_3_90_at_checkout()
    {
        var events = new List<object>();
        ShoppingCart Cart() => Given([.. events]);

        events.Add(AddItemEndpoint.Decide(Cart(), Banana, "banana", 1, Now));
        Cart().Total.ShouldBe(1.00m);
        events.Add(AddItemEndpoint.Decide(Cart(), Apple, "apple", 1, Now));
        Cart().Total.ShouldBe(2.50m);
        events.Add(AddItemEndpoint.Decide(Cart(), Banana, "banana", 1, Now));
        Cart().Total.ShouldBe(3.50m);
        events.AddRange(RemoveItemEndpoint.Decide(Cart(), "apple", null, Now));
        Cart().Total.ShouldBe(2.00m);
        events.Add(ApplyDiscountEndpoint.Decide(Cart(), TwoBananas, "2BANANAS", Now));
        Cart().Total.ShouldBe(1.90m);
        events.Add(AddItemEndpoint.Decide(Cart(), Mango, "mango", 1, Now));
        Cart().Total.ShouldBe(3.90m);

        var checkedOut = CheckOutEndpoint.Decide(Cart(), Now);
        checkedOut.Lines.ShouldBe([new CheckedOutLine("banana", "Banana", 2, 1.00m), new CheckedOutLine("mango", "Mango", 1, 2.00m)]);
        checkedOut.Discount.ShouldBe(new CheckedOutDiscount("2BANANAS", "banana", 2, 0.10m));
        checkedOut.Total.ShouldBe(3.90m);
    }

    [Fact]
    public void The_price_is_the_catalogs_at_the_moment_of_adding()
    {
        var cart = Given(Added(Banana), new ItemAdded(CartId, "banana", "Banana", 1, 1.20m, Now));

        cart.Lines.Select(l => l.UnitPrice).ShouldBe([1.00m, 1.20m]);
        CheckOutEndpoint.Decide(cart, Now).Lines.Count.ShouldBe(2);
        cart.Total.ShouldBe(2.20m);
    }

    [Fact]
    public void Unknown_or_inactive_skus_are_refused()
    {
        Should.Throw<RequestRefused>(() => AddItemEndpoint.Decide(Given(), null, "kiwi", 1, Now)).Status.ShouldBe(400);
        var retired = new Product { Id = "old", Name = "Old", UnitPrice = 1m, Active = false };
        Should.Throw<RequestRefused>(() => AddItemEndpoint.Decide(Given(), retired, "old", 1, Now)).Message.ShouldContain("not for sale");
    }

    [Fact]
    public void A_sku_is_capped_per_cart() =>
        Should.Throw<RuleViolation>(() => AddItemEndpoint.Decide(Given(Added(Banana, 950)), Banana, "banana", 51, Now));

    [Fact]
    public void Removing_what_is_not_in_the_cart_is_refused()
    {
        Should.Throw<RuleViolation>(() => RemoveItemEndpoint.Decide(Given(), "banana", null, Now)).Message.ShouldContain("not in cart");
        Should.Throw<RuleViolation>(() => RemoveItemEndpoint.Decide(Given(Added(Banana)), "banana", 2, Now)).Message.ShouldContain("holds 1");
    }

    [Fact]
    public void A_removal_that_breaks_the_discount_records_its_revocation()
    {
        var cart = Given(Added(Banana, 2), new DiscountApplied(CartId, "2BANANAS", "banana", 2, 0.10m, Now));

        var events = RemoveItemEndpoint.Decide(cart, "banana", 1, Now);

        events[0].ShouldBe(new ItemRemoved(CartId, "banana", 1, Now));
        events[1].ShouldBeOfType<DiscountRevoked>().Reason.ShouldContain("holds 1");
        var after = cart;
        foreach (var e in events) after = ShoppingCart.Fold(after, e);
        after.Discount.ShouldBeNull();
        after.Total.ShouldBe(1.00m);
    }

    [Fact]
    public void A_discount_whose_requirement_is_unmet_is_refused() =>
        Should.Throw<RuleViolation>(() => ApplyDiscountEndpoint.Decide(Given(Added(Banana)), TwoBananas, "2BANANAS", Now))
            .Message.ShouldBe("2BANANAS needs 2 × banana; the cart holds 1.");

    [Fact]
    public void A_cart_takes_one_discount() =>
        Should.Throw<RuleViolation>(() => ApplyDiscountEndpoint.Decide(
            Given(Added(Banana, 2), new DiscountApplied(CartId, "2BANANAS", "banana", 2, 0.10m, Now)), TwoBananas, "2BANANAS", Now))
            .Message.ShouldContain("already applied");

    [Fact]
    public void An_empty_cart_cannot_be_checked_out() =>
        Should.Throw<RuleViolation>(() => CheckOutEndpoint.Decide(Given(), Now)).Message.ShouldContain("empty");

    [Fact]
    public void A_checked_out_or_abandoned_cart_refuses_every_change()
    {
        var checkedOut = Given(Added(Banana), CheckOutEndpoint.Decide(Given(Added(Banana)), Now));
        var abandoned = Given(Added(Banana), new CartAbandoned(CartId, ["banana"], Now));

        foreach (var cart in new[] { checkedOut, abandoned })
        {
            Should.Throw<RuleViolation>(() => AddItemEndpoint.Decide(cart, Banana, "banana", 1, Now));
            Should.Throw<RuleViolation>(() => RemoveItemEndpoint.Decide(cart, "banana", null, Now));
            Should.Throw<RuleViolation>(() => ApplyDiscountEndpoint.Decide(cart, TwoBananas, "2BANANAS", Now));
            Should.Throw<RuleViolation>(() => CheckOutEndpoint.Decide(cart, Now));
            Should.Throw<RuleViolation>(() => AbandonCartEndpoint.Decide(cart, Now));
        }
    }

    [Fact]
    public void Abandoning_names_the_skus_left_in_the_cart() =>
        AbandonCartEndpoint.Decide(Given(Added(Banana), Added(Mango), Added(Banana)), Now).Skus.ShouldBe(["banana", "mango"]);

    private static readonly Discount FiveOffBananas = new() { Id = "5OFF", Sku = "banana", RequiredQuantity = 1, AmountOff = 5.00m, Active = true };

    [Fact]
    public void A_discount_larger_than_its_skus_lines_takes_off_only_what_they_cost()
    {
        var cart = Given(Added(Banana), Added(Mango), ApplyDiscountEndpoint.Decide(Given(Added(Banana)), FiveOffBananas, "5OFF", Now));
        cart.Subtotal.ShouldBe(3.00m);
        cart.DiscountAmount.ShouldBe(1.00m);
        cart.Total.ShouldBe(2.00m);
        var checkedOut = CheckOutEndpoint.Decide(cart, Now);
        checkedOut.Total.ShouldBe(2.00m);
        checkedOut.Discount.ShouldBe(new CheckedOutDiscount("5OFF", "banana", 1, 1.00m));
    }

    [Fact]
    public void A_cart_whose_total_is_not_positive_cannot_be_checked_out()
    {
        var cart = Given(Added(Banana), ApplyDiscountEndpoint.Decide(Given(Added(Banana)), FiveOffBananas, "5OFF", Now));
        cart.Total.ShouldBe(0m);
        Should.Throw<RuleViolation>(() => CheckOutEndpoint.Decide(cart, Now))
            .Message.ShouldBe($"cart {CartId} totals 0.00 after discount 5OFF: only a cart with a positive total can be checked out.");
    }
}
