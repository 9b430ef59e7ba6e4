using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.OpeningCart;

public sealed record CartOpened(Guid CartId, Guid CustomerId, DateTimeOffset OpenedAt);

public sealed record CartCreated(Guid Id) : CreationResponse($"/api/carts/{Id}");

[MartenStore(typeof(ICartStore))]
public static class OpenCartEndpoint
{
    /// <summary>A cart belongs to the calling customer (the token's subject); an admin has no account to shop for.</summary>
    [WolverinePost("/api/carts", OperationId = "OpenCart")]
    [ProducesResponseType<CartCreated>(StatusCodes.Status201Created)]
    public static CartCreated Post(IDocumentSession session, HttpContext http, TimeProvider clock)
    {
        var customer = Caller.From(http.User).AccountId
                       ?? throw new RequestRefused(StatusCodes.Status403Forbidden, "Only customers have carts.",
                           "Open a cart with a customer's token (its subject is the account id).");
        var opened = new CartOpened(Guid.CreateVersion7(), customer, clock.GetUtcNow());
        session.Events.StartStream<ShoppingCart>(opened.CartId, opened);
        return new CartCreated(opened.CartId);
    }
}
