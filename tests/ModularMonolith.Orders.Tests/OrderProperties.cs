using FsCheck;
using FsCheck.Fluent;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Orders.Cancelling;
using ModularMonolith.Orders.Fulfilling;
using ModularMonolith.Orders.Paying;
using Xunit;

namespace ModularMonolith.Orders.Tests;

/// <summary>Random message and command orders (FsCheck): an order only moves along legal transitions.</summary>
public sealed class OrderProperties
{
    public enum Kind { Debited, Declined, TimedOut, Refunded, Ship, Deliver, Cancel }

    private static readonly Guid OrderId = Guid.NewGuid();
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static readonly HashSet<(OrderStatus, OrderStatus)> Legal =
    [
        (OrderStatus.Pending, OrderStatus.Paid), (OrderStatus.Pending, OrderStatus.Cancelled),
        (OrderStatus.Paid, OrderStatus.Shipped), (OrderStatus.Paid, OrderStatus.Cancelled),
        (OrderStatus.Shipped, OrderStatus.Completed)
    ];

    private static object[] Decide(Order order, Kind kind)
    {
        try
        {
            return kind switch
            {
                Kind.Debited => Payments.Debited(order, new AccountDebitedForOrder(Customer, OrderId, 2m), Now).Events,
                Kind.Declined => Payments.Declined(order, new AccountDebitForOrderDeclined(Customer, OrderId, 2m, PaymentDeclineReason.InsufficientFunds, "no"), Now),
                Kind.TimedOut => Payments.TimedOut(order, Now),
                Kind.Refunded => Payments.Refunded(order, new AccountRefundedForOrder(Customer, OrderId, 2m), Now),
                Kind.Ship => [ShipOrderEndpoint.Decide(order, Now)],
                Kind.Deliver => [DeliverOrderEndpoint.Decide(order, new DateOnly(1970, 1, 1), Now)],
                _ => [CancelOrderEndpoint.Decide(order, Now)]
            };
        }
        catch (RuleViolation)
        {
            return [];
        }
    }

    [Fact]
    public void An_order_only_moves_along_legal_transitions_and_a_re_fold_agrees() =>
        Prop.ForAll(Gen.Elements(Enum.GetValues<Kind>()).ArrayOf().ToArbitrary(), kinds =>
        {
            var events = new List<object> { new OrderPlaced(OrderId, Customer, [new CheckedOutLine("banana", "Banana", 2, 1m)], null, 2m, Now) };
            var order = Order.Create((OrderPlaced)events[0]);
            var debitArrived = false;
            foreach (var kind in kinds)
            {
                // Accounts only confirms a refund for an order it debited: a confirmation before any debit is impossible.
                if (kind == Kind.Refunded && !debitArrived) continue;
                debitArrived |= kind == Kind.Debited;
                var decided = Decide(order, kind);
                events.AddRange(decided);
                var next = decided.Aggregate(order, Order.Fold);
                if (next.Status != order.Status && !Legal.Contains((order.Status, next.Status))) return false;
                if (events.OfType<OrderRefunded>().Count() > 1 || events.OfType<OrderPaid>().Count() > 1) return false;
                order = next;
            }
            return events.Aggregate((Order?)null, Order.Fold)! with { Lines = order.Lines } == order;
        }).QuickCheckThrowOnFailure();
}
