using System.Globalization;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Reports;

public sealed class SkuSales
{
    public int UnitsSold { get; set; }
    public decimal Revenue { get; set; }
    public int UnitsCancelled { get; set; }
    public int Cancellations { get; set; }
}

/// <summary>
/// One UTC day of sales, per sku. A sale counts on the day its order is paid (units, gross revenue at the cart's unit
/// prices); a cancellation counts on the day it happens, paid or not. Async multi-stream projection keyed by the day.
/// </summary>
public sealed class DailySales
{
    public string Id { get; set; } = "";
    public DateOnly Day { get; set; }
    public Dictionary<string, SkuSales> Skus { get; set; } = [];

    public SkuSales For(string sku) => Skus.TryGetValue(sku, out var sales) ? sales : Skus[sku] = new SkuSales();

    public static string KeyOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class DailySalesProjection : MultiStreamProjection<DailySales, string>
{
    public DailySalesProjection()
    {
        Name = "DailySales";
        Identity<OrderPaid>(e => DailySales.KeyOf(e.PaidAt));
        Identity<OrderCancelled>(e => DailySales.KeyOf(e.CancelledAt));
    }

    public void Apply(DailySales day, OrderPaid e)
    {
        Stamp(day, e.PaidAt);
        foreach (var line in e.Lines)
        {
            var sales = day.For(line.Sku);
            sales.UnitsSold += line.Quantity;
            sales.Revenue += line.Quantity * line.UnitPrice;
        }
    }

    public void Apply(DailySales day, OrderCancelled e)
    {
        Stamp(day, e.CancelledAt);
        foreach (var line in e.Lines)
        {
            var sales = day.For(line.Sku);
            sales.UnitsCancelled += line.Quantity;
            sales.Cancellations++;
        }
    }

    private static void Stamp(DailySales day, DateTimeOffset at)
    {
        day.Id = DailySales.KeyOf(at);
        day.Day = DateOnly.FromDateTime(at.UtcDateTime);
    }
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
