using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Cart.GettingCart;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.AddingItem;

/// <summary>Put units of a sku in the cart. There is no price here: the catalog's price at this moment is used.</summary>
public sealed record AddItem([Required] string Sku, [Required] int? Quantity);

/// <summary>Units of a sku went into the cart, at the catalog's unit price when they did.</summary>
public sealed record ItemAdded(Guid CartId, string Sku, string Name, int Quantity, decimal UnitPrice, DateTimeOffset AddedAt);

[MartenStore(typeof(ICartStore))]
public static class AddItemEndpoint
{
    public const int MaxQuantityPerAdd = 100;
    public const int MaxUnitsPerSku = 1000;

    public static ProblemDetails Validate(AddItem? command)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        Skus.Check(errors, command.Sku);
        if (command.Quantity is not (>= 1 and <= MaxQuantityPerAdd))
            errors.Add("quantity", $"quantity must be a whole number from 1 to {MaxQuantityPerAdd}.");
        return errors.ToProblem();
    }

    public static ItemAdded Decide(ShoppingCart cart, Product? product, string sku, int quantity, DateTimeOffset now)
    {
        cart.EnsureOpen();
        if (product is null) throw RequestRefused.Invalid("sku", $"There is no product {sku} in the catalog.");
        if (!product.Active) throw RequestRefused.Invalid("sku", $"Product {sku} is not for sale.");
        if (cart.QuantityOf(product.Id) + quantity > MaxUnitsPerSku)
            throw new RuleViolation($"a cart holds at most {MaxUnitsPerSku} units of {product.Id}; it has {cart.QuantityOf(product.Id)}.");
        return new ItemAdded(cart.Id, product.Id, product.Name, quantity, product.UnitPrice, now);
    }

    [WolverinePost("/api/carts/{id}/items", OperationId = "AddItem")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static async Task<CartView> Post(Guid id, AddItem command, IDocumentSession session, HttpContext http,
        TimeProvider clock, CancellationToken cancellation)
    {
        var sku = Skus.Normalize(command.Sku);
        return await CartWrites.DecideAsync(id, session, http, batch => batch.Load<Product>(sku),
            (cart, product) => [Decide(cart, product, sku, command.Quantity!.Value, clock.GetUtcNow())], cancellation);
    }
}

/// <summary>
/// <see cref="ItemAdded"/> as version 1 stored it (event type <c>item_added</c>): <c>productId</c> and <c>price</c>,
/// before the event took the catalog's names <c>sku</c> and <c>unitPrice</c>. Version 2 is stored as
/// <c>item_added_v2</c>; version 1 rows are never rewritten, they are upcast as they are read (docs/adr/0006).
/// </summary>
public sealed record ItemAddedV1(Guid CartId, string ProductId, string Name, int Quantity, decimal Price, DateTimeOffset AddedAt)
{
    public const string EventTypeName = "item_added";

    public ItemAdded Upcast() => new(CartId, ProductId, Name, Quantity, Price, AddedAt);
}
