using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Orders.GettingOrder;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Cancelling;

/// <summary>
/// Step 6: the customer (or an admin) cancels before shipment. A paid order asks Accounts for its money back in the
/// same transaction (outbox); it is marked refunded once Accounts confirms.
/// </summary>
[MartenStore(typeof(IOrdersStore))]
public static class CancelOrderEndpoint
{
    public const string CancelledByCustomer = "cancelled by the customer";

    public static OrderCancelled Decide(Order order, DateTimeOffset now) =>
        order.Status is OrderStatus.Pending or OrderStatus.Paid
            ? new OrderCancelled(order.Id, order.CustomerId, CancelledByCustomer, order.Paid, order.Lines, now, order.Discount)
            : throw order.Illegal("cancelled");

    [WolverinePost("/api/orders/{id}/cancellation", OperationId = "CancelOrder")]
    [ProducesResponseType<OrderStatusView>(StatusCodes.Status200OK)]
    public static async Task<OrderStatusView> Post(Guid id, IDocumentSession session, IMessageBus bus,
        HttpContext http, TimeProvider clock, CancellationToken cancellation)
    {
        Order? before = null;
        var view = await OrderWrites.DecideAsync(id, session, http, order =>
        {
            before = order;
            return [Decide(order, clock.GetUtcNow())];
        }, cancellation);

        // The order was paid its total (the debit asked for exactly that); the same amount goes back.
        if (before!.Paid) await bus.SendAsync(new RefundAccountForOrder(before.CustomerId, before.Id, before.Total));
        return view;
    }
}
