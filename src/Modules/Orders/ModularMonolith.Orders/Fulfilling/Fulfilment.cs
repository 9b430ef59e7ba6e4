using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModularMonolith.BuildingBlocks.Domain;
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

/// <summary>When the parcel arrived (yyyy-MM-dd, UTC). Neither in the future nor before the day the order shipped.</summary>
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
        // A well-formed date that contradicts the order's own timeline is a broken rule (409), not a malformed field.
        if (order.ShippedAt is { } shippedAt && deliveredOn < DateOnly.FromDateTime(shippedAt.UtcDateTime))
        {
            var shippedOn = DateOnly.FromDateTime(shippedAt.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var delivered = deliveredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            throw new RuleViolation($"order {order.Id} shipped on {shippedOn}: it cannot have been delivered on {delivered}.",
                new Dictionary<string, object?> { ["shippedOn"] = shippedOn, ["deliveredOn"] = delivered });
        }
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
