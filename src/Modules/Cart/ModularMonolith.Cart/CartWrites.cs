using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.Cart.GettingCart;

namespace ModularMonolith.Cart;

/// <summary>Every HTTP write on a cart: the shared write flow, answered with the cart's new state.</summary>
internal static class CartWrites
{
    public static async Task<CartView> DecideAsync(Guid id, IDocumentSession session, HttpContext http,
        Func<ShoppingCart, object[]> decide, CancellationToken cancellation)
    {
        var (state, version) = await session.DecideAsync(id, http, "cart", cart => cart.CustomerId, decide,
            ShoppingCart.Fold, cancellation);
        return CartView.Of(state, version);
    }

    /// <summary>As above, with a document read in the same round trip as the cart.</summary>
    public static async Task<CartView> DecideAsync<TRead>(Guid id, IDocumentSession session, HttpContext http,
        Func<IBatchedQuery, Task<TRead>> alsoRead, Func<ShoppingCart, TRead, object[]> decide, CancellationToken cancellation)
    {
        var (state, version) = await session.DecideAsync(id, http, "cart", cart => cart.CustomerId, alsoRead, decide,
            ShoppingCart.Fold, cancellation);
        return CartView.Of(state, version);
    }
}
