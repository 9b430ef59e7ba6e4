using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Cart.ApplyingDiscount;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.GettingCart;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.RemovingItem;

/// <summary>Units of a sku left the cart.</summary>
public sealed record ItemRemoved(Guid CartId, string Sku, int Quantity, DateTimeOffset RemovedAt);

[MartenStore(typeof(ICartStore))]
public static class RemoveItemEndpoint
{
    /// <summary>
    /// Removes <paramref name="quantity"/> units (all of them when null). If that breaks the applied discount's
    /// requirement, the cart records that the discount no longer applies: an event, not a silent recalculation.
    /// </summary>
    public static object[] Decide(ShoppingCart cart, string sku, int? quantity, DateTimeOffset now)
    {
        cart.EnsureOpen();
        var held = cart.QuantityOf(sku);
        if (held == 0) throw new RuleViolation($"{sku} is not in cart {cart.Id}.");
        if (quantity > held) throw new RuleViolation($"cart {cart.Id} holds {held} × {sku}; cannot remove {quantity}.");

        var removed = new ItemRemoved(cart.Id, sku, quantity ?? held, now);
        var remaining = held - removed.Quantity;
        return cart.Discount is { } discount && discount.Sku == sku && remaining < discount.RequiredQuantity
            ? [removed, new DiscountRevoked(cart.Id, discount.Code,
                $"{discount.Code} needs {discount.RequiredQuantity} × {sku}; the cart now holds {remaining}.", now)]
            : [removed];
    }

    [WolverineDelete("/api/carts/{id}/items/{sku}", OperationId = "RemoveItem")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static Task<CartView> Delete(Guid id, string sku, string? quantity, IDocumentSession session,
        HttpContext http, TimeProvider clock, CancellationToken cancellation)
    {
        int? units = null;
        if (quantity is not null)
            units = int.TryParse(quantity, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var q)
                    && q is >= 1 and <= AddItemEndpoint.MaxUnitsPerSku
                ? q
                : throw RequestRefused.Invalid("quantity", $"quantity must be a whole number from 1 to {AddItemEndpoint.MaxUnitsPerSku}.");

        return CartWrites.DecideAsync(id, session, http,
            cart => Decide(cart, Skus.Normalize(sku), units, clock.GetUtcNow()), cancellation);
    }
}
