using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.Catalog;

/// <summary>"2 bananas → 0.10 off": a code, what the cart must hold, and the amount taken off once.</summary>
public sealed class Discount
{
    public string Id { get; set; } = "";
    public string Sku { get; set; } = "";
    public int RequiredQuantity { get; set; }
    public decimal AmountOff { get; set; }
    public bool Active { get; set; }
}

public sealed record DiscountView(string Code, string Sku, int RequiredQuantity, decimal AmountOff, bool Active)
{
    public static DiscountView Of(Discount d) => new(d.Id, d.Sku, d.RequiredQuantity, d.AmountOff, d.Active);
}

public sealed record PutDiscount([Required] string Sku, [Required] int? RequiredQuantity, [Required] decimal? AmountOff, bool? Active);

public static partial class DiscountCodes
{
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,32}\z")]
    public static partial Regex Pattern();

    public static void Check(FieldErrors errors, string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) errors.Add("code", "code is required.");
        else if (errors.CheckIdentity("code", code) && !Pattern().IsMatch(code.Trim())) errors.Add("code", "code must be 1-32 letters, digits, '_' or '-'.");
    }

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();
}

[MartenStore(typeof(ICartStore))]
public static class PutDiscountEndpoint
{
    public static ProblemDetails Validate(PutDiscount? command, string code)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        DiscountCodes.Check(errors, code);
        Skus.Check(errors, command.Sku);
        if (command.RequiredQuantity is not (>= 1 and <= 1000)) errors.Add("requiredQuantity", "requiredQuantity must be from 1 to 1000.");
        if (command.AmountOff is not { } off || off <= 0 || off > Skus.MaxPrice || decimal.Round(off, 2) != off)
            errors.Add("amountOff", "amountOff must be more than 0 and in whole cents.");
        return errors.ToProblem();
    }

    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePut("/api/catalog/discounts/{code}", OperationId = "PutDiscount")]
    public static async Task<DiscountView> Put(string code, PutDiscount command, IDocumentSession session,
        CancellationToken cancellation)
    {
        var sku = Skus.Normalize(command.Sku);
        if (await session.LoadAsync<Product>(sku, cancellation) is null)
            throw RequestRefused.Invalid("sku", $"There is no product {sku} to discount.");

        var discount = new Discount
        {
            Id = DiscountCodes.Normalize(code), Sku = sku, RequiredQuantity = command.RequiredQuantity!.Value,
            AmountOff = command.AmountOff!.Value, Active = command.Active ?? true
        };
        session.Store(discount);
        return DiscountView.Of(discount);
    }

}

[MartenStore(typeof(ICartStore))]
public static class ListDiscountsEndpoint
{
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/catalog/discounts", OperationId = "ListDiscounts")]
    public static async Task<IReadOnlyList<DiscountView>> List(IQuerySession session, CancellationToken cancellation) =>
        (await session.Query<Discount>().OrderBy(d => d.Id).ToListAsync(cancellation)).Select(DiscountView.Of).ToList();
}
