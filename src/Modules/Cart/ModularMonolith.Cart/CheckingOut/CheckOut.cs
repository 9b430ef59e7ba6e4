using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Cart.GettingCart;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.CheckingOut;

/// <summary>
/// The cart was checked out: its lines aggregated by sku and price, the discount it earned, and the total.
/// The seeds' example: banana 2 × 1.00, mango 1 × 2.00, discount banana 2 −0.10 → 3.90.
/// </summary>
public sealed record CartCheckedOut(Guid CartId, Guid CustomerId, IReadOnlyList<CheckedOutLine> Lines,
    CheckedOutDiscount? Discount, decimal Total, DateTimeOffset CheckedOutAt);

[MartenStore(typeof(ICartStore))]
public static class CheckOutEndpoint
{
    public static CartCheckedOut Decide(ShoppingCart cart, DateTimeOffset now)
    {
        cart.EnsureOpen();
        if (cart.Lines.IsEmpty) throw new RuleViolation($"cart {cart.Id} is empty: there is nothing to check out.");
        // Reachable only when a discount takes off everything its sku's lines cost and nothing else is in the cart.
        if (cart.Total <= 0)
            throw new RuleViolation(
                string.Create(CultureInfo.InvariantCulture, $"cart {cart.Id} totals {cart.Total:0.00} after discount {cart.Discount?.Code}: only a cart with a positive total can be checked out."),
                new Dictionary<string, object?> { ["total"] = cart.Total, ["subtotal"] = cart.Subtotal, ["discount"] = cart.DiscountAmount });

        var lines = cart.Lines
            .GroupBy(l => (l.Sku, l.UnitPrice))
            .Select(g => new CheckedOutLine(g.Key.Sku, g.First().Name, g.Sum(l => l.Quantity), g.Key.UnitPrice))
            .ToList();
        // The amount actually taken off (capped at the sku's lines), so lines − discount = total for every reader.
        var discount = cart.Discount is { } d ? new CheckedOutDiscount(d.Code, d.Sku, d.RequiredQuantity, cart.DiscountAmount) : null;
        return new CartCheckedOut(cart.Id, cart.CustomerId, lines, discount, cart.Total, now);
    }

    /// <summary>
    /// Records the checkout and publishes <see cref="CartCheckoutCompleted"/> for the Orders module. Both commit in
    /// one transaction: the message waits in the outbox until the events are stored, and is lost with them otherwise.
    /// </summary>
    [WolverinePost("/api/carts/{id}/checkout", OperationId = "CheckOut")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static async Task<CartView> Post(Guid id, IDocumentSession session, IMessageBus bus, HttpContext http,
        TimeProvider clock, CancellationToken cancellation)
    {
        CartCheckedOut? checkedOut = null;
        var view = await CartWrites.DecideAsync(id, session, http,
            cart => [checkedOut = Decide(cart, clock.GetUtcNow())], cancellation);

        await bus.PublishAsync(new CartCheckoutCompleted(checkedOut!.CartId, checkedOut.CustomerId, checkedOut.Lines,
            checkedOut.Discount, checkedOut.Total, checkedOut.CheckedOutAt));
        return view;
    }
}
