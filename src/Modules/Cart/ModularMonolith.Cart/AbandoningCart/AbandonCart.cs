using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Cart.GettingCart;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.AbandoningCart;

/// <summary>The customer gave up on the cart. It names the skus left in it, for the product analytics.</summary>
public sealed record CartAbandoned(Guid CartId, IReadOnlyList<string> Skus, DateTimeOffset AbandonedAt);

[MartenStore(typeof(ICartStore))]
public static class AbandonCartEndpoint
{
    public static CartAbandoned Decide(ShoppingCart cart, DateTimeOffset now)
    {
        cart.EnsureOpen();
        return new CartAbandoned(cart.Id, cart.Lines.Select(l => l.Sku).Distinct().ToList(), now);
    }

    [WolverinePost("/api/carts/{id}/abandonment", OperationId = "AbandonCart")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static Task<CartView> Post(Guid id, IDocumentSession session, HttpContext http, TimeProvider clock,
        CancellationToken cancellation) =>
        CartWrites.DecideAsync(id, session, http, cart => [Decide(cart, clock.GetUtcNow())], cancellation);
}
