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

/// <summary>
/// A product for sale. Reference data rather than an event-sourced aggregate: carts record the price they used in
/// their own events, so a product's history lives where it matters, and the catalog stays a plain document.
/// </summary>
public sealed class Product
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal UnitPrice { get; set; }
    public bool Active { get; set; }
}

public sealed record ProductView(string Sku, string Name, decimal UnitPrice, bool Active)
{
    public static ProductView Of(Product p) => new(p.Id, p.Name, p.UnitPrice, p.Active);
}

/// <summary>Create or replace a product. Omitting <c>active</c> keeps it for sale.</summary>
public sealed record PutProduct([Required] string Name, [Required] decimal? UnitPrice, bool? Active);

public static partial class Skus
{
    public const int MaxPrice = 100_000;

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}\z")]
    public static partial Regex Pattern();

    public static string Normalize(string sku) => sku.Trim().ToLowerInvariant();

    public static void Check(FieldErrors errors, string? sku, string field = "sku")
    {
        if (string.IsNullOrWhiteSpace(sku)) errors.Add(field, $"{field} is required.");
        else if (errors.CheckIdentity(field, sku) && !Pattern().IsMatch(sku.Trim())) errors.Add(field, $"{field} must be 1-50 letters, digits, '.', '_' or '-'.");
    }
}

// Wolverine applies a class's Validate method to every endpoint of the class: commands and queries live apart.
[MartenStore(typeof(ICartStore))]
public static class PutProductEndpoint
{
    public static ProblemDetails Validate(PutProduct? command, string sku)
    {
        if (command is null) return FieldErrors.MissingBody();
        var errors = new FieldErrors();
        Skus.Check(errors, sku);
        errors.RequireText("name", command.Name, 100);
        if (command.UnitPrice is not { } price) errors.Add("unitPrice", "unitPrice is required.");
        else if (price <= 0 || price > Skus.MaxPrice || decimal.Round(price, 2) != price)
            errors.Add("unitPrice", $"unitPrice must be more than 0, at most {Skus.MaxPrice}, in whole cents.");
        return errors.ToProblem();
    }

    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePut("/api/catalog/products/{sku}", OperationId = "PutProduct")]
    public static ProductView Put(string sku, PutProduct command, IDocumentSession session)
    {
        var product = new Product
        {
            Id = Skus.Normalize(sku), Name = PlainText.Normalize(command.Name), UnitPrice = command.UnitPrice!.Value,
            Active = command.Active ?? true
        };
        session.Store(product);
        return ProductView.Of(product);
    }

}

[MartenStore(typeof(ICartStore))]
public static class ProductEndpoints
{
    /// <summary>Deactivating keeps the product (carts refer to it) but takes it off sale.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineDelete("/api/catalog/products/{sku}", OperationId = "DeactivateProduct")]
    public static async Task<ProductView> Delete(string sku, IDocumentSession session, CancellationToken cancellation)
    {
        var product = await session.LoadAsync<Product>(Skus.Normalize(sku), cancellation)
                      ?? throw new RequestRefused(StatusCodes.Status404NotFound, "No such product.", $"There is no product {sku}.");
        product.Active = false;
        session.Store(product);
        return ProductView.Of(product);
    }

    [WolverineGet("/api/catalog/products", OperationId = "ListProducts")]
    public static async Task<IReadOnlyList<ProductView>> List(IQuerySession session, CancellationToken cancellation) =>
        (await session.Query<Product>().OrderBy(p => p.Id).ToListAsync(cancellation)).Select(ProductView.Of).ToList();

    [WolverineGet("/api/catalog/products/{sku}", OperationId = "GetProduct")]
    public static async Task<ProductView> Get(string sku, IQuerySession session, CancellationToken cancellation) =>
        ProductView.Of(await session.LoadAsync<Product>(Skus.Normalize(sku), cancellation)
                       ?? throw new RequestRefused(StatusCodes.Status404NotFound, "No such product.", $"There is no product {sku}."));
}
