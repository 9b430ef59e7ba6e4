namespace ModularMonolith.Cart.Contracts;

/// <summary>
/// A customer checked out a cart: everything the Orders module needs to place the order, priced by the catalog when
/// each item was added. Published through the outbox in the transaction that records the checkout, exactly once per
/// cart (a cart can be checked out only once).
/// </summary>
public sealed record CartCheckoutCompleted(
    Guid CartId,
    Guid CustomerId,
    IReadOnlyList<CheckedOutLine> Lines,
    CheckedOutDiscount? Discount,
    decimal Total,
    DateTimeOffset CheckedOutAt);

public sealed record CheckedOutLine(string Sku, string Name, int Quantity, decimal UnitPrice);

public sealed record CheckedOutDiscount(string Code, string Sku, int RequiredQuantity, decimal Amount);
