namespace ModularMonolith.Orders;

/// <summary>Section <c>Orders</c>.</summary>
public sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>How long a placed order waits for its payment before it is cancelled ("payment timed out").</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Which version of the DailySales projection this node runs and serves: 2 (counts refunds), or 1 (the previous
    /// release's, kept for one release for blue/green changes and rollback). Read at start-up.
    /// </summary>
    public int DailySalesVersion { get; set; } = 2;
}
