using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.GettingCart;

public sealed record CartLineView(string Sku, string Name, int Quantity, decimal UnitPrice, decimal Amount);

public sealed record CartDiscountView(string Code, string Sku, int RequiredQuantity, decimal Amount);

/// <summary>The cart as its owner sees it. <see cref="Version"/> is the stream version, also sent as the ETag.</summary>
public sealed record CartView(
    Guid Id,
    Guid CustomerId,
    CartStatus Status,
    IReadOnlyList<CartLineView> Lines,
    decimal Subtotal,
    CartDiscountView? Discount,
    decimal Total,
    long Version)
{
    public static CartView Of(ShoppingCart cart, long version) => new(cart.Id, cart.CustomerId, cart.Status,
        cart.Lines.Select(l => new CartLineView(l.Sku, l.Name, l.Quantity, l.UnitPrice, l.Amount)).ToList(),
        cart.Subtotal,
        cart.Discount is { } d ? new CartDiscountView(d.Code, d.Sku, d.RequiredQuantity, cart.DiscountAmount) : null,
        cart.Total, version);
}

[MartenStore(typeof(ICartStore))]
public static class GetCartEndpoints
{
    /// <summary>Now: the inline snapshot. With <c>?version=</c>/<c>?asOf=</c>: folded live up to that point.</summary>
    [WolverineGet("/api/carts/{id}", OperationId = "GetCart")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static async Task<CartView> Get(Guid id, string? version, string? asOf, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        var point = PointInTime.Parse(version, asOf);
        var cart = await session.LoadAtAsync<ShoppingCart>(id, point, "cart",
            now => Caller.From(http.User).EnsureMayActFor(now.CustomerId, "cart"), cancellation);

        ETags.Write(http.Response, cart.Version);
        return CartView.Of(cart, cart.Version);
    }

    /// <summary>The audit trail: every event of the cart's stream, in order, page by page.</summary>
    [WolverineGet("/api/carts/{id}/events", OperationId = "GetCartEvents")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK)]
    public static async Task<AuditPage> Events(Guid id, string? page, string? pageSize, IQuerySession session,
        HttpContext http, CancellationToken cancellation)
    {
        var (p, size) = StreamHistory.ParsePaging(page, pageSize);
        var cart = await session.LoadAsync<ShoppingCart>(id, cancellation) ?? throw RequestRefused.NotFound("cart", id);
        Caller.From(http.User).EnsureMayActFor(cart.CustomerId, "cart");
        return (await session.AuditTrailAsync(id, p, size, cancellation))!;
    }
}
