using System.Globalization;
using Marten;
using Microsoft.Extensions.Options;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Orders.Paying;
using Wolverine;
using Wolverine.Marten;

namespace ModularMonolith.Orders.PlacingOrder;

/// <summary>
/// Step 1 of the process: a checked-out cart becomes a Pending order, Accounts is asked for the money, and a payment
/// timeout is scheduled. All three commit together (events + outbox). A redelivered checkout finds the order already
/// there and does nothing; two deliveries racing both try to start the stream and the loser's commit fails on its
/// primary key, is retried, and then finds the order.
/// </summary>
[MartenStore(typeof(IOrdersStore))]
public static class CartCheckoutCompletedHandler
{
    public static async Task<OutgoingMessages> Handle(CartCheckoutCompleted checkout, IDocumentSession session,
        IOptions<OrdersOptions> options, TimeProvider clock, CancellationToken cancellation)
    {
        if (await session.Events.FetchStreamStateAsync(checkout.CartId, cancellation) is not null) return [];

        var (events, messages) = PlaceOrder.Decide(checkout, clock.GetUtcNow(), options.Value.PaymentTimeout);
        session.Events.StartStream<Order>(checkout.CartId, events);
        return [.. messages];
    }
}

/// <summary>The decision behind placing an order from a checkout.</summary>
public static class PlaceOrder
{
    /// <summary>
    /// A checkout becomes a Pending order, a request for its money and a payment timeout. Cart never sends a total that
    /// is not positive or does not add up (lines − discount); should one arrive anyway (an older Cart, a bug), the order
    /// is still recorded, so the checkout is traceable, but cancelled at once and never charged.
    /// </summary>
    public static (object[] Events, object[] Messages) Decide(CartCheckoutCompleted checkout, DateTimeOffset now, TimeSpan paymentTimeout)
    {
        var orderId = checkout.CartId;
        var placed = new OrderPlaced(orderId, checkout.CustomerId, checkout.Lines, checkout.Discount, checkout.Total, now);
        var expected = checkout.Lines.Sum(l => l.Quantity * l.UnitPrice) - (checkout.Discount?.Amount ?? 0m);
        if (checkout.Total <= 0 || checkout.Total != expected)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"the checkout's total {checkout.Total:0.00} is not positive or is not its lines less its discount ({expected:0.00}).");
            return ([placed, new OrderCancelled(orderId, checkout.CustomerId, reason, false, checkout.Lines, now)], []);
        }

        return ([placed], [new DebitAccountForOrder(checkout.CustomerId, orderId, checkout.Total), new PaymentTimedOut(orderId).DelayedFor(paymentTimeout)]);
    }
}
