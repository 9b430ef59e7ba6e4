using System.ComponentModel.DataAnnotations;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.BuildingBlocks.Identity;
using ModularMonolith.Orders.GettingOrder;
using Wolverine.Http;
using Wolverine.Marten;

namespace ModularMonolith.Orders.Fulfilling;

/// <summary>Step 5 (admin): a paid order ships; a shipped order is delivered on a date, and is then complete.</summary>
[MartenStore(typeof(IOrdersStore))]
public static class ShipOrderEndpoint
{
    public static OrderShipped Decide(Order order, DateTimeOffset now) =>
        order.Status == OrderStatus.Paid ? new OrderShipped(order.Id, order.CustomerId, now) : throw order.Illegal("shipped");

    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePost("/api/orders/{id}/shipment", OperationId = "ShipOrder")]
    [ProducesResponseType<OrderStatusView>(StatusCodes.Status200OK)]
    public static Task<OrderStatusView> Post(Guid id, IDocumentSession session, HttpContext http, TimeProvider clock,
        CancellationToken cancellation) =>
        OrderWrites.DecideAsync(id, session, http, order => [Decide(order, clock.GetUtcNow())], cancellation);
}

/// <summary>When the parcel arrived (yyyy-MM-dd). It cannot be in the future.</summary>
public sealed record DeliverOrder([Required] DateOnly? DeliveredOn);

[MartenStore(typeof(IOrdersStore))]
public static class DeliverOrderEndpoint
{
    public static ProblemDetails Validate(DeliverOrder? command) =>
        command?.DeliveredOn is null
            ? new FieldErrors().Add("deliveredOn", "deliveredOn is required, as yyyy-MM-dd.").ToProblem()
            : Wolverine.Http.WolverineContinue.NoProblems;

    public static OrderDelivered Decide(Order order, DateOnly deliveredOn, DateTimeOffset now)
    {
        if (order.Status != OrderStatus.Shipped) throw order.Illegal("delivered");
        if (deliveredOn > DateOnly.FromDateTime(now.UtcDateTime))
            throw RequestRefused.Invalid("deliveredOn", "deliveredOn cannot be in the future.");
        return new OrderDelivered(order.Id, order.CustomerId, deliveredOn, now);
    }

    [Authorize(Policy = Caller.AdminRole)]
    [WolverinePost("/api/orders/{id}/delivery", OperationId = "DeliverOrder")]
    [ProducesResponseType<OrderStatusView>(StatusCodes.Status200OK)]
    public static Task<OrderStatusView> Post(Guid id, DeliverOrder command, IDocumentSession session, HttpContext http,
        TimeProvider clock, CancellationToken cancellation) =>
        OrderWrites.DecideAsync(id, session, http,
            order => [Decide(order, command.DeliveredOn!.Value, clock.GetUtcNow())], cancellation);
}
