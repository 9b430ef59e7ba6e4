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

namespace ModularMonolith.Cart.ApplyingDiscount;

public sealed record ApplyDiscount([Required] string Code);

/// <summary>The cart met a discount's requirement; its terms are copied here as they were.</summary>
public sealed record DiscountApplied(Guid CartId, string Code, string Sku, int RequiredQuantity, decimal AmountOff, DateTimeOffset AppliedAt);

/// <summary>The cart no longer meets the applied discount's requirement.</summary>
public sealed record DiscountRevoked(Guid CartId, string Code, string Reason, DateTimeOffset RevokedAt);

[MartenStore(typeof(ICartStore))]
public static class ApplyDiscountEndpoint
{
    public static ProblemDetails Validate(ApplyDiscount? command)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        DiscountCodes.Check(errors, command.Code);
        return errors.ToProblem();
    }

    public static DiscountApplied Decide(ShoppingCart cart, Discount? discount, string code, DateTimeOffset now)
    {
        cart.EnsureOpen();
        if (discount is not { Active: true }) throw RequestRefused.Invalid("code", $"There is no active discount {code}.");
        if (cart.Discount is { } applied)
            throw new RuleViolation(applied.Code == discount.Id
                ? $"{discount.Id} is already applied to cart {cart.Id}."
                : $"cart {cart.Id} already has discount {applied.Code}; one discount per cart.");

        var held = cart.QuantityOf(discount.Sku);
        if (held < discount.RequiredQuantity)
            throw new RuleViolation($"{discount.Id} needs {discount.RequiredQuantity} × {discount.Sku}; the cart holds {held}.");
        return new DiscountApplied(cart.Id, discount.Id, discount.Sku, discount.RequiredQuantity, discount.AmountOff, now);
    }

    [WolverinePost("/api/carts/{id}/discount", OperationId = "ApplyDiscount")]
    [ProducesResponseType<CartView>(StatusCodes.Status200OK)]
    public static async Task<CartView> Post(Guid id, ApplyDiscount command, IDocumentSession session, HttpContext http,
        TimeProvider clock, CancellationToken cancellation)
    {
        var code = DiscountCodes.Normalize(command.Code);
        return await CartWrites.DecideAsync(id, session, http, batch => batch.Load<Discount>(code),
            (cart, discount) => [Decide(cart, discount, code, clock.GetUtcNow())], cancellation);
    }
}
