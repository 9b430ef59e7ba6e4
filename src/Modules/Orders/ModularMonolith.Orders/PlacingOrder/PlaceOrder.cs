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
        var orderId = checkout.CartId;
        if (await session.Events.FetchStreamStateAsync(orderId, cancellation) is not null) return [];

        var placed = new OrderPlaced(orderId, checkout.CustomerId, checkout.Lines, checkout.Discount, checkout.Total, clock.GetUtcNow());
        session.Events.StartStream<Order>(orderId, placed);

        return
        [
            new DebitAccountForOrder(checkout.CustomerId, orderId, checkout.Total),
            new PaymentTimedOut(orderId).DelayedFor(options.Value.PaymentTimeout)
        ];
    }
}
