using FsCheck;
using FsCheck.Fluent;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Cart.AbandoningCart;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.ApplyingDiscount;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Cart.CheckingOut;
using ModularMonolith.Cart.OpeningCart;
using ModularMonolith.Cart.RemovingItem;
using Xunit;

namespace ModularMonolith.Cart.Tests;

/// <summary>Random cart sessions (FsCheck): totals always add up, a discount is only held while earned, a re-fold agrees.</summary>
public sealed class ShoppingCartProperties
{
    public enum Kind { Add, Remove, RemoveAll, Discount, BigDiscount, CheckOut, Abandon }

    public sealed record Step(Kind Kind, int Product, int Quantity, decimal Price);

    private static readonly Guid CartId = Guid.NewGuid();
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly string[] Skus = ["apple", "banana", "mango"];
    private static readonly Discount TwoBananas = new() { Id = "2BANANAS", Sku = "banana", RequiredQuantity = 2, AmountOff = 0.10m, Active = true };
    // Worth more than any banana line the sessions can build: the cap, not the discount's terms, decides the total.
    private static readonly Discount BananaGiveaway = new() { Id = "GIVEAWAY", Sku = "banana", RequiredQuantity = 1, AmountOff = 50.00m, Active = true };

    private static readonly Arbitrary<Step[]> Sessions =
        (from kind in Gen.Frequency((6, Gen.Constant(Kind.Add)), (3, Gen.Constant(Kind.Remove)), (1, Gen.Constant(Kind.RemoveAll)),
             (2, Gen.Constant(Kind.Discount)), (1, Gen.Constant(Kind.BigDiscount)), (1, Gen.Constant(Kind.CheckOut)), (1, Gen.Constant(Kind.Abandon)))
         from product in Gen.Choose(0, Skus.Length - 1)
         from quantity in Gen.Choose(1, 4)
         from price in Gen.Elements(1.00m, 1.50m, 2.00m)
         select new Step(kind, product, quantity, price)).ArrayOf().ToArbitrary();

    private static object[] Decide(ShoppingCart cart, Step step)
    {
        var sku = Skus[step.Product];
        try
        {
            return step.Kind switch
            {
                Kind.Add => [AddItemEndpoint.Decide(cart, new Product { Id = sku, Name = sku, UnitPrice = step.Price, Active = true }, sku, step.Quantity, Now)],
                Kind.Remove => RemoveItemEndpoint.Decide(cart, sku, step.Quantity, Now),
                Kind.RemoveAll => RemoveItemEndpoint.Decide(cart, sku, null, Now),
                Kind.Discount => [ApplyDiscountEndpoint.Decide(cart, TwoBananas, TwoBananas.Id, Now)],
                Kind.BigDiscount => [ApplyDiscountEndpoint.Decide(cart, BananaGiveaway, BananaGiveaway.Id, Now)],
                Kind.CheckOut => [CheckOutEndpoint.Decide(cart, Now)],
                _ => [AbandonCartEndpoint.Decide(cart, Now)]
            };
        }
        catch (Exception e) when (e is RuleViolation or RequestRefused)
        {
            return [];
        }
    }

    private static (ShoppingCart Cart, List<object> Events) Run(Step[] steps, Func<ShoppingCart, bool> invariant, out bool held)
    {
        var events = new List<object> { new CartOpened(CartId, Guid.Empty, Now) };
        var cart = ShoppingCart.Create((CartOpened)events[0]);
        held = true;
        foreach (var step in steps)
        {
            var decided = Decide(cart, step);
            events.AddRange(decided);
            cart = decided.Aggregate(cart, ShoppingCart.Fold);
            held &= invariant(cart);
        }
        return (cart, events);
    }

    [Fact]
    public void The_total_is_always_the_lines_minus_the_discount_and_a_discount_is_held_only_while_earned() =>
        Prop.ForAll(Sessions, steps =>
        {
            Run(steps, cart =>
                cart.Total == cart.Lines.Sum(l => l.Quantity * l.UnitPrice)
                    - Math.Min(cart.Discount?.AmountOff ?? 0m, cart.Lines.Where(l => l.Sku == cart.Discount?.Sku).Sum(l => l.Amount))
                && cart.Lines.All(l => l.Quantity > 0)
                && (cart.Discount is null || cart.QuantityOf(cart.Discount.Sku) >= cart.Discount.RequiredQuantity), out var held);
            return held;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_total_never_goes_below_zero_and_only_a_positive_total_is_checked_out() =>
        Prop.ForAll(Sessions, steps =>
        {
            var (_, events) = Run(steps, cart => cart.Total >= 0 && cart.DiscountAmount >= 0, out var held);
            return held && events.OfType<CartCheckedOut>().All(c => c.Total > 0 && c.Total == c.Lines.Sum(l => l.Quantity * l.UnitPrice) - (c.Discount?.Amount ?? 0m));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_checkout_carries_exactly_the_carts_lines_and_total() =>
        Prop.ForAll(Sessions, steps =>
        {
            var (_, events) = Run(steps, _ => true, out _);
            var before = events.TakeWhile(e => e is not CartCheckedOut).Aggregate((ShoppingCart?)null, ShoppingCart.Fold)!;
            return events.OfType<CartCheckedOut>().All(c =>
                c.Total == before.Total && c.Lines.Sum(l => l.Quantity) == before.Lines.Sum(l => l.Quantity))
                && events.OfType<CartCheckedOut>().Count() <= 1;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Folding_the_events_again_gives_the_same_cart() =>
        Prop.ForAll(Sessions, steps =>
        {
            var (cart, events) = Run(steps, _ => true, out _);
            var replayed = events.Aggregate((ShoppingCart?)null, ShoppingCart.Fold)!;
            return replayed.Lines.SequenceEqual(cart.Lines) && replayed.Discount == cart.Discount
                   && replayed.Status == cart.Status && replayed.Total == cart.Total;
        }).QuickCheckThrowOnFailure();
}
