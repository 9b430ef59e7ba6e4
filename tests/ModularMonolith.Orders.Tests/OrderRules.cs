using ModularMonolith.Accounts.Contracts;
using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.Cart.Contracts;
using ModularMonolith.Orders.Cancelling;
using ModularMonolith.Orders.Fulfilling;
using ModularMonolith.Orders.Paying;
using ModularMonolith.Orders.PlacingOrder;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests;

/// <summary>Given events, when a message or command, then events (and messages) or a refusal.</summary>
public sealed class OrderRules
{
    private static readonly Guid OrderId = Guid.Parse("0199a1b2-0000-7000-8000-0000000000d1");
    private static readonly Guid CustomerId = Guid.Parse("0199a1b2-0000-7000-8000-0000000000c1");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly CheckedOutLine[] Lines = [new("banana", "Banana", 2, 1.00m)];

    private static Order Given(params object[] events) =>
        new object[] { new OrderPlaced(OrderId, CustomerId, Lines, null, 2.00m, Now) }.Concat(events)
            .Aggregate((Order?)null, Order.Fold)!;

    private static OrderPaid Paid => new(OrderId, CustomerId, 2.00m, Lines, Now);
    private static OrderCancelled Cancelled(bool wasPaid = false) => new(OrderId, CustomerId, "x", wasPaid, Lines, Now);
    private static readonly AccountDebitedForOrder Debited = new(CustomerId, OrderId, 2.00m);

    [Fact]
    public void An_illegal_transition_names_the_order_state_orderStatus_never_status() =>
        Should.Throw<RuleViolation>(() => ShipOrderEndpoint.Decide(Given(Cancelled()), Now))
            .Facts.ShouldBe(new Dictionary<string, object?> { ["orderStatus"] = "cancelled" });

    [Fact]
    public void A_debit_pays_a_pending_order() =>
        Payments.Debited(Given(), Debited, Now).Events.ShouldBe([Paid]);

    [Fact]
    public void A_repeated_debit_changes_nothing() =>
        Payments.Debited(Given(Paid), Debited, Now).ShouldSatisfyAllConditions(
            r => r.Events.ShouldBeEmpty(), r => r.Messages.ShouldBeEmpty());

    [Fact]
    public void A_debit_for_a_cancelled_unpaid_order_is_sent_back()
    {
        var (events, messages) = Payments.Debited(Given(Cancelled()), Debited, Now);
        events.ShouldBeEmpty();
        messages.ShouldBe([new RefundAccountForOrder(CustomerId, OrderId, 2.00m)]);
    }

    [Fact]
    public void A_decline_cancels_a_pending_order_with_its_reason() =>
        Payments.Declined(Given(), new AccountDebitForOrderDeclined(CustomerId, OrderId, 2m, PaymentDeclineReason.InsufficientFunds, "insufficient funds"), Now)
            .ShouldHaveSingleItem().ShouldBeOfType<OrderCancelled>().Reason.ShouldBe("insufficient funds");

    [Fact]
    public void The_timeout_cancels_only_a_pending_order()
    {
        Payments.TimedOut(Given(), Now).ShouldHaveSingleItem().ShouldBeOfType<OrderCancelled>().Reason.ShouldBe(Payments.TimedOutReason);
        Payments.TimedOut(Given(Paid), Now).ShouldBeEmpty();
    }

    [Fact]
    public void A_refund_is_recorded_once()
    {
        var refunded = new AccountRefundedForOrder(CustomerId, OrderId, 2m);
        var first = Payments.Refunded(Given(Paid, Cancelled(true)), refunded, Now).ShouldHaveSingleItem();
        Payments.Refunded(Given(Paid, Cancelled(true), first), refunded, Now).ShouldBeEmpty();
    }

    [Fact]
    public void Only_paid_orders_ship_and_only_shipped_orders_are_delivered()
    {
        Should.Throw<RuleViolation>(() => ShipOrderEndpoint.Decide(Given(), Now)).Message.ShouldContain("pending");
        ShipOrderEndpoint.Decide(Given(Paid), Now).ShouldBe(new OrderShipped(OrderId, CustomerId, Now));
        Should.Throw<RuleViolation>(() => DeliverOrderEndpoint.Decide(Given(Paid), new DateOnly(2026, 11, 23), Now));
        var delivered = DeliverOrderEndpoint.Decide(Given(Paid, new OrderShipped(OrderId, CustomerId, Now)), new DateOnly(2026, 11, 23), Now);
        Given(Paid, new OrderShipped(OrderId, CustomerId, Now), delivered).Status.ShouldBe(OrderStatus.Completed);
    }

    [Fact]
    public void Orders_cancel_before_shipment_only()
    {
        CancelOrderEndpoint.Decide(Given(), Now).WasPaid.ShouldBeFalse();
        CancelOrderEndpoint.Decide(Given(Paid), Now).WasPaid.ShouldBeTrue();
        Should.Throw<RuleViolation>(() => CancelOrderEndpoint.Decide(Given(Paid, new OrderShipped(OrderId, CustomerId, Now)), Now));
        Should.Throw<RuleViolation>(() => CancelOrderEndpoint.Decide(Given(Cancelled()), Now));
    }

    [Fact]
    public void A_delivery_cannot_precede_the_shipment()
    {
        var shipped = Given(Paid, new OrderShipped(OrderId, CustomerId, Now));
        var violation = Should.Throw<RuleViolation>(() => DeliverOrderEndpoint.Decide(shipped, new DateOnly(1999, 1, 1), Now.AddDays(2)));
        violation.Message.ShouldBe($"order {OrderId} shipped on 2026-11-23: it cannot have been delivered on 1999-01-01.");
        violation.Facts["shippedOn"].ShouldBe("2026-11-23");
        violation.Facts["deliveredOn"].ShouldBe("1999-01-01");
        Should.Throw<RuleViolation>(() => DeliverOrderEndpoint.Decide(shipped, new DateOnly(2026, 11, 22), Now.AddDays(2)));
        // The day it shipped (UTC) is fine: the parcel can arrive the same day.
        DeliverOrderEndpoint.Decide(shipped, new DateOnly(2026, 11, 23), Now.AddDays(2)).DeliveredOn.ShouldBe(new DateOnly(2026, 11, 23));
    }

    [Fact]
    public void A_checkout_whose_total_is_not_positive_or_does_not_add_up_is_placed_cancelled_and_never_charged()
    {
        foreach (var (total, discount) in new (decimal, CheckedOutDiscount?)[]
                 {
                     (-3.00m, new CheckedOutDiscount("5OFF", "banana", 1, 5.00m)), (0m, new CheckedOutDiscount("2OFF", "banana", 1, 2.00m)),
                     (1.50m, null)
                 })
        {
            var (events, messages) = PlaceOrder.Decide(new CartCheckoutCompleted(OrderId, CustomerId, Lines, discount, total, Now), Now, TimeSpan.FromMinutes(2));
            events.Length.ShouldBe(2);
            events[0].ShouldBeOfType<OrderPlaced>();
            events[1].ShouldBeOfType<OrderCancelled>().Reason.ShouldStartWith("the checkout's total");
            messages.ShouldBeEmpty();
        }

        var (placed, debit) = PlaceOrder.Decide(new CartCheckoutCompleted(OrderId, CustomerId, Lines, null, 2.00m, Now), Now, TimeSpan.FromMinutes(2));
        placed.ShouldHaveSingleItem().ShouldBeOfType<OrderPlaced>();
        debit.OfType<DebitAccountForOrder>().ShouldHaveSingleItem().Amount.ShouldBe(2.00m);
    }
}
