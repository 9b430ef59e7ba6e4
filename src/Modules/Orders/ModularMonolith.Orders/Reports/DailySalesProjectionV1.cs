using Marten.Events.Projections;

namespace ModularMonolith.Orders.Reports;

/// <summary>
/// Version 1 of "DailySales" (no refunds), as the previous release ran it, in <c>mt_doc_dailysales</c> with progress
/// <c>DailySales:All</c>. Kept for one release so that a node can still run and serve it (<c>Orders:DailySalesVersion=1</c>):
/// the "blue" side of a blue/green change and the way back if version 2 disappoints. Delete it, and the setting, in
/// the release after every node runs version 2 (docs/operations.md, "Changing a projection without downtime").
/// </summary>
public sealed class DailySalesProjectionV1 : MultiStreamProjection<DailySales, string>
{
    public DailySalesProjectionV1()
    {
        Name = "DailySales";
        Identity<OrderPaid>(e => DailySales.KeyOf(e.PaidAt));
        Identity<OrderCancelled>(e => DailySales.KeyOf(e.CancelledAt));
    }

    public void Apply(DailySales day, OrderPaid e) => day.Sell(e);
    public void Apply(DailySales day, OrderCancelled e) => day.Cancel(e, countRefunds: false);
}
