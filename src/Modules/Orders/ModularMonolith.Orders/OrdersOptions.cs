namespace ModularMonolith.Orders;

/// <summary>Section <c>Orders</c>.</summary>
public sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>How long a placed order waits for its payment before it is cancelled ("payment timed out").</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
