using System.Collections.Immutable;
using ModularMonolith.Cart.AbandoningCart;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.ApplyingDiscount;
using ModularMonolith.Cart.CheckingOut;
using ModularMonolith.Cart.OpeningCart;
using ModularMonolith.Cart.RemovingItem;

namespace ModularMonolith.Cart;

public enum CartStatus
{
    Open,
    CheckedOut,
    Abandoned
}

/// <summary>A quantity of one sku at the price the catalog gave when it was added.</summary>
public sealed record CartLine(string Sku, string Name, int Quantity, decimal UnitPrice)
{
    public decimal Amount => Quantity * UnitPrice;
}

/// <summary>A discount the cart qualified for: <see cref="AmountOff"/> once <see cref="RequiredQuantity"/> units of <see cref="Sku"/> are in it.</summary>
public sealed record AppliedDiscount(string Code, string Sku, int RequiredQuantity, decimal AmountOff);

/// <summary>
/// A customer's cart, from opening to checkout or abandonment. State is a fold over its events; lines keep the price
/// the catalog gave when each item was added (the same sku added at two prices makes two lines). It is its own inline
/// snapshot, so reads see every write and writes load one document.
/// </summary>
public sealed record ShoppingCart(
    Guid Id,
    Guid CustomerId,
    CartStatus Status,
    ImmutableList<CartLine> Lines,
    AppliedDiscount? Discount,
    DateTimeOffset OpenedAt)
{
    /// <summary>The stream version this state reflects; Marten sets it. It is the cart's ETag.</summary>
    public int Version { get; set; }

    public decimal Subtotal => Lines.Sum(l => l.Amount);

    /// <summary>
    /// What the discount actually takes off: its amount, but never more than the lines of the sku it names cost, so a
    /// total can never go below zero. Computed on read, so carts stored with a larger discount read correctly too.
    /// </summary>
    public decimal DiscountAmount => Discount is { } d ? Math.Min(d.AmountOff, Lines.Where(l => l.Sku == d.Sku).Sum(l => l.Amount)) : 0m;

    public decimal Total => Subtotal - DiscountAmount;
    public int QuantityOf(string sku) => Lines.Where(l => l.Sku == sku).Sum(l => l.Quantity);

    public static ShoppingCart Create(CartOpened e) =>
        new(e.CartId, e.CustomerId, CartStatus.Open, ImmutableList<CartLine>.Empty, null, e.OpenedAt);

    public ShoppingCart Apply(ItemAdded e)
    {
        var index = Lines.FindIndex(l => l.Sku == e.Sku && l.UnitPrice == e.UnitPrice);
        return this with
        {
            Lines = index < 0
                ? Lines.Add(new CartLine(e.Sku, e.Name, e.Quantity, e.UnitPrice))
                : Lines.SetItem(index, Lines[index] with { Quantity = Lines[index].Quantity + e.Quantity })
        };
    }

    /// <summary>Removal takes from the most recently priced line of the sku first.</summary>
    public ShoppingCart Apply(ItemRemoved e)
    {
        var lines = Lines;
        var left = e.Quantity;
        for (var i = lines.Count - 1; i >= 0 && left > 0; i--)
        {
            if (lines[i].Sku != e.Sku) continue;
            var taken = Math.Min(left, lines[i].Quantity);
            left -= taken;
            lines = lines[i].Quantity == taken ? lines.RemoveAt(i) : lines.SetItem(i, lines[i] with { Quantity = lines[i].Quantity - taken });
        }
        return this with { Lines = lines };
    }

    public ShoppingCart Apply(DiscountApplied e) => this with { Discount = new AppliedDiscount(e.Code, e.Sku, e.RequiredQuantity, e.AmountOff) };
    public ShoppingCart Apply(DiscountRevoked _) => this with { Discount = null };
    public ShoppingCart Apply(CartCheckedOut _) => this with { Status = CartStatus.CheckedOut };
    public ShoppingCart Apply(CartAbandoned _) => this with { Status = CartStatus.Abandoned };

    /// <summary>The same fold, for callers that hold events as objects (writes, tests).</summary>
    public static ShoppingCart Fold(ShoppingCart? state, object @event) => (state, @event) switch
    {
        (null, CartOpened e) => Create(e),
        (null, _) => throw new InvalidOperationException($"A cart stream must start with {nameof(CartOpened)}."),
        (_, ItemAdded e) => state.Apply(e),
        (_, ItemRemoved e) => state.Apply(e),
        (_, DiscountApplied e) => state.Apply(e),
        (_, DiscountRevoked e) => state.Apply(e),
        (_, CartCheckedOut e) => state.Apply(e),
        (_, CartAbandoned e) => state.Apply(e),
        _ => state
    };

    /// <summary>Every change needs an open cart; the reason names what happened to it.</summary>
    public void EnsureOpen()
    {
        if (Status != CartStatus.Open)
            throw new BuildingBlocks.Domain.RuleViolation(
                $"cart {Id} is {(Status == CartStatus.CheckedOut ? "checked out" : "abandoned")}: it can no longer change.");
    }
}
