using System.Globalization;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Cart.Contracts;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Reports;

public sealed class SkuSales
{
    public int UnitsSold { get; set; }
    /// <summary>Gross revenue at the cart's unit prices, on the day the order was paid.</summary>
    public decimal Revenue { get; set; }
    /// <summary>
    /// Discounts taken off this sku's revenue that day: an order's discount names one sku and is allotted to it whole,
    /// at the amount actually taken off. Version 2; 0 in version 1.
    /// </summary>
    public decimal Discounts { get; set; }
    public int UnitsCancelled { get; set; }
    public int Cancellations { get; set; }
    /// <summary>Units of paid orders cancelled (and refunded) that day. Version 2 of the projection; 0 in version 1.</summary>
    public int UnitsRefunded { get; set; }
    /// <summary>Revenue given back that day by cancelling paid orders. Version 2; 0 in version 1.</summary>
    public decimal RefundedRevenue { get; set; }
    /// <summary>The part of <see cref="RefundedRevenue"/> that had been discounted, so never paid nor refunded. Version 2; 0 in version 1.</summary>
    public decimal RefundedDiscounts { get; set; }
    /// <summary>What was paid for this sku that day less what was refunded: summed over skus, the day's payments less refunds.</summary>
    public decimal NetRevenue => Revenue - Discounts - (RefundedRevenue - RefundedDiscounts);
}

/// <summary>
/// One UTC day of sales, per sku. A sale counts on the day its order is paid (units, gross revenue at the cart's unit
/// prices, and from version 2 on the order's discount, allotted whole to the one sku it names); a cancellation counts on the day it happens, paid or not, and from version 2 on, a cancelled paid order's
/// lines also count as refunded that day. Async multi-stream projection keyed by the day.
/// </summary>
public sealed class DailySales
{
    public string Id { get; set; } = "";
    public DateOnly Day { get; set; }
    public Dictionary<string, SkuSales> Skus { get; set; } = [];

    public SkuSales For(string sku) => Skus.TryGetValue(sku, out var sales) ? sales : Skus[sku] = new SkuSales();

    public static string KeyOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Stamp(DateTimeOffset at)
    {
        Id = KeyOf(at);
        Day = DateOnly.FromDateTime(at.UtcDateTime);
    }

    public void Sell(OrderPaid e, CheckedOutDiscount? discount = null)
    {
        Stamp(e.PaidAt);
        foreach (var line in e.Lines)
        {
            var sales = For(line.Sku);
            sales.UnitsSold += line.Quantity;
            sales.Revenue += line.Quantity * line.UnitPrice;
        }
        if (discount is not null) For(discount.Sku).Discounts += Allotted(discount, e.Lines);
    }

    public void Cancel(OrderCancelled e, bool countRefunds, CheckedOutDiscount? discount = null)
    {
        Stamp(e.CancelledAt);
        foreach (var line in e.Lines)
        {
            var sales = For(line.Sku);
            sales.UnitsCancelled += line.Quantity;
            sales.Cancellations++;
            if (!countRefunds || !e.WasPaid) continue;
            sales.UnitsRefunded += line.Quantity;
            sales.RefundedRevenue += line.Quantity * line.UnitPrice;
        }
        if (countRefunds && e.WasPaid && discount is not null) For(discount.Sku).RefundedDiscounts += Allotted(discount, e.Lines);
    }

    /// <summary>A discount never counts for more than its sku's lines (checkouts stored before the cap could carry more).</summary>
    public static decimal Allotted(CheckedOutDiscount discount, IEnumerable<CheckedOutLine> lines) =>
        Math.Min(discount.Amount, lines.Where(l => l.Sku == discount.Sku).Sum(l => l.Quantity * l.UnitPrice));
}

/// <summary>
/// Version 2 of "DailySales": refunds of cancelled paid orders are counted. Marten keeps each version apart: this one
/// writes <c>mt_doc_dailysales_2</c> and tracks its progress as <c>DailySales:V2:All</c>, so a node running it builds
/// the new view from the whole log beside nodes still running version 1 (<see cref="DailySalesProjectionV1"/>), and
/// Wolverine runs each version only on nodes that have it. The procedure is in docs/operations.md (blue/green).
/// </summary>
public sealed class DailySalesProjection : MultiStreamProjection<DailySales, string>
{
    public DailySalesProjection()
    {
        Name = "DailySales";
        Version = 2;
        Identity<OrderPaid>(e => DailySales.KeyOf(e.PaidAt));
        Identity<OrderCancelled>(e => DailySales.KeyOf(e.CancelledAt));
    }

    public async Task Apply(DailySales day, OrderPaid e, IQuerySession session) =>
        day.Sell(e, e.Discount ?? await DiscountOfOlderEventAsync(e.OrderId, e.Lines.Sum(l => l.Quantity * l.UnitPrice) != e.Amount, session));

    public async Task Apply(DailySales day, OrderCancelled e, IQuerySession session) =>
        day.Cancel(e, countRefunds: true, e.Discount ?? await DiscountOfOlderEventAsync(e.OrderId, e.WasPaid, session));

    /// <summary>
    /// Events stored before they carried the discount: the order's summary (inline, so always there) still has it.
    /// Looked up only when it can matter (a paid amount below the lines, a refund), so a rebuild stays cheap.
    /// </summary>
    private static async Task<CheckedOutDiscount?> DiscountOfOlderEventAsync(Guid orderId, bool mayHaveOne, IQuerySession session) =>
        mayHaveOne ? (await session.LoadAsync<GettingOrder.OrderSummary>(orderId))?.Discount : null;
}

[MartenStore(typeof(IOrdersStore))]
public static class GetSalesReportEndpoint
{
    public const int MaxDays = 366;

    /// <summary>Days from <c>from</c> to <c>to</c> inclusive (yyyy-MM-dd, UTC); days without sales are left out.</summary>
    [Authorize(Policy = Caller.AdminRole)]
    [WolverineGet("/api/reports/sales", OperationId = "GetSalesReport")]
    [ProducesResponseType<IReadOnlyList<DailySales>>(StatusCodes.Status200OK)]
    public static async Task<IReadOnlyList<DailySales>> Get(string? from, string? to, IQuerySession session,
        CancellationToken cancellation)
    {
        var first = ParseDay("from", from);
        var last = ParseDay("to", to);
        if (last < first) throw RequestRefused.Invalid("to", "to must not be before from.");
        if (last.DayNumber - first.DayNumber >= MaxDays) throw RequestRefused.Invalid("to", $"Ask for at most {MaxDays} days.");

        var keys = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1)
            .Select(i => first.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        var days = await session.LoadManyAsync<DailySales>(cancellation, keys);
        return days.OrderBy(d => d.Day).ToList();
    }

    private static DateOnly ParseDay(string field, string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw RequestRefused.Invalid(field, $"{field} is required, as yyyy-MM-dd.");
}
