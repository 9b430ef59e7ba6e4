using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Cart.AbandoningCart;
using ModularMonolith.Cart.AddingItem;
using ModularMonolith.Cart.CheckingOut;
using ModularMonolith.Cart.RemovingItem;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Cart.Analytics;

/// <summary>
/// How a product does in carts ("analysing product performance"): how often it is added and removed, how much of it is
/// checked out and for how much (gross at the cart's prices, the discounts allotted to it: a cart's discount names one sku
/// and counts whole against it, never for more than that sku's lines; and net), and how many abandoned carts still held it. One document per sku, built by an async projection over every cart's events.
/// </summary>
public sealed class ProductPerformance
{
    public string Id { get; set; } = "";
    public int TimesAdded { get; set; }
    public int UnitsAdded { get; set; }
    public int TimesRemoved { get; set; }
    public int UnitsRemoved { get; set; }
    public int UnitsCheckedOut { get; set; }
    public decimal RevenueCheckedOut { get; set; }
    public decimal DiscountsCheckedOut { get; set; }
    /// <summary>What the checkouts charged for this sku; summed over skus, the checkouts' totals.</summary>
    public decimal NetRevenueCheckedOut => RevenueCheckedOut - DiscountsCheckedOut;
    public int AbandonedCarts { get; set; }
}

public sealed class ProductPerformanceProjection : MultiStreamProjection<ProductPerformance, string>
{
    public ProductPerformanceProjection()
    {
        Name = "ProductPerformance";
        Identity<ItemAdded>(e => e.Sku);
        Identity<ItemRemoved>(e => e.Sku);
        Identities<CartCheckedOut>(e => e.Lines.Select(l => l.Sku).Distinct().ToList());
        Identities<CartAbandoned>(e => e.Skus.ToList());
    }

    /// <summary>Every sku enters the figures by being added to some cart, so this is where its document starts.</summary>
    public static ProductPerformance Create(ItemAdded e) => new() { Id = e.Sku, TimesAdded = 1, UnitsAdded = e.Quantity };

    public void Apply(ProductPerformance p, ItemAdded e)
    {
        p.TimesAdded++;
        p.UnitsAdded += e.Quantity;
    }

    public void Apply(ProductPerformance p, ItemRemoved e)
    {
        p.TimesRemoved++;
        p.UnitsRemoved += e.Quantity;
    }

    public void Apply(ProductPerformance p, CartCheckedOut e)
    {
        foreach (var line in e.Lines.Where(l => l.Sku == p.Id))
        {
            p.UnitsCheckedOut += line.Quantity;
            p.RevenueCheckedOut += line.Quantity * line.UnitPrice;
        }
        // Checkouts stored before discounts were capped could carry more than the sku's lines: count only what they cost.
        if (e.Discount is { } discount && discount.Sku == p.Id)
            p.DiscountsCheckedOut += Math.Min(discount.Amount, e.Lines.Where(l => l.Sku == p.Id).Sum(l => l.Quantity * l.UnitPrice));
    }

    public void Apply(ProductPerformance p, CartAbandoned _) => p.AbandonedCarts++;
}

[MartenStore(typeof(ICartStore))]
public static class ProductPerformanceEndpoints
{
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/reports/products", OperationId = "ListProductPerformance")]
    public static async Task<IReadOnlyList<ProductPerformance>> List(IQuerySession session, CancellationToken cancellation) =>
        await session.Query<ProductPerformance>().OrderBy(p => p.Id).ToListAsync(cancellation);

    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/reports/products/{sku}", OperationId = "GetProductPerformance")]
    [ProducesResponseType<ProductPerformance>(StatusCodes.Status200OK)]
    public static async Task<ProductPerformance> Get(string sku, IQuerySession session, CancellationToken cancellation) =>
        await session.LoadAsync<ProductPerformance>(Catalog.Skus.Normalize(sku), cancellation)
        ?? throw new RequestRefused(StatusCodes.Status404NotFound, "No figures for this product.",
            $"No cart has held {sku} yet (or the projection has not caught up).");
}
