using FsCheck;
using FsCheck.Fluent;
using ModularMonolith.Accounts.ClosingAccount;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.Withdrawing;
using ModularMonolith.BuildingBlocks.Domain;
using Xunit;
using static ModularMonolith.Accounts.Tests.Given;

namespace ModularMonolith.Accounts.Tests;

/// <summary>Random command sequences (FsCheck): whatever happens, no invariant breaks and a re-fold agrees.</summary>
public sealed class AccountProperties
{
    public enum Kind { Deposit, Withdraw, Debit, Refund, Close }

    public sealed record Step(Kind Kind, int Cents, int Order);

    private static readonly Guid[] Orders = Enumerable.Range(1, 4).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();

    private static readonly Arbitrary<Step[]> Sequences =
        (from kind in Gen.Elements(Enum.GetValues<Kind>())
         // Few distinct amounts, so withdrawals and debits often land right at or just past the balance.
         from cents in Gen.Frequency((6, Gen.Elements(1, 5, 50, 100, 150, 200, 500)), (1, Gen.Elements(0, -100, 1_000_000_01)))
         from order in Gen.Choose(0, Orders.Length - 1)
         select new Step(kind, cents, order)).ArrayOf().ToArbitrary();

    /// <summary>What the account's decisions make of one step; refusals append nothing, as the HTTP layer answers 409.</summary>
    private static object[] Decide(Account account, IReadOnlyList<object> history, Step step)
    {
        var amount = step.Cents / 100m;
        var payment = OrderPayment.Of(AccountId, Orders[step.Order], history);
        try
        {
            return step.Kind switch
            {
                Kind.Deposit when Money.Problem(amount) is null => [DepositFundsEndpoint.Decide(account, amount, null, Now)],
                Kind.Withdraw when Money.Problem(amount) is null => [WithdrawFundsEndpoint.Decide(account, amount, null, Now)],
                Kind.Debit => OrderPayments.Debit(account, payment, new DebitAccountForOrder(AccountId, Orders[step.Order], amount), Now).Events,
                Kind.Refund => OrderPayments.Refund(account, payment, new RefundAccountForOrder(AccountId, Orders[step.Order], amount), Now).Events,
                Kind.Close => [CloseAccountEndpoint.Decide(account, Now)],
                _ => [] // invalid amounts never reach the aggregate: validation refuses them with a 400
            };
        }
        catch (RuleViolation)
        {
            return [];
        }
    }

    [Fact]
    public void The_balance_never_goes_below_zero_and_always_equals_the_money_moved() =>
        Prop.ForAll(Sequences, steps =>
        {
            var events = new List<object> { Opened };
            var account = Account();
            foreach (var step in steps)
            {
                var decided = Decide(account, events, step);
                events.AddRange(decided);
                account = decided.Aggregate(account, Accounts.Account.Fold);
                if (account.Balance < 0) return false;
            }

            var moved = events.Sum(e => e switch
            {
                FundsDeposited d => d.Amount,
                FundsWithdrawn w => -w.Amount,
                OrderPaymentDebited d => -d.Amount,
                OrderPaymentRefunded r => r.Amount,
                _ => 0m
            });
            return account.Balance == moved;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_order_is_debited_at_most_once_and_refunded_at_most_what_it_paid() =>
        Prop.ForAll(Sequences, steps =>
        {
            var events = new List<object>();
            var account = Account();
            foreach (var step in steps)
            {
                var decided = Decide(account, events, step);
                events.AddRange(decided);
                account = decided.Aggregate(account, Accounts.Account.Fold);
            }

            return Orders.All(order =>
            {
                var debits = events.OfType<OrderPaymentDebited>().Where(d => d.OrderId == order).ToList();
                var refunds = events.OfType<OrderPaymentRefunded>().Where(r => r.OrderId == order).ToList();
                var declined = events.OfType<OrderPaymentDeclined>().Any(d => d.OrderId == order);
                return debits.Count <= 1 && refunds.Count <= 1 && !(declined && debits.Count > 0)
                       && refunds.Sum(r => r.Amount) <= debits.Sum(d => d.Amount);
            });
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Folding_the_events_again_gives_the_same_state() =>
        Prop.ForAll(Sequences, steps =>
        {
            var events = new List<object> { Opened };
            var incremental = Account();
            foreach (var step in steps)
            {
                var decided = Decide(incremental, events, step);
                events.AddRange(decided);
                incremental = decided.Aggregate(incremental, Accounts.Account.Fold);
            }

            var replayed = events.Aggregate((Account?)null, Accounts.Account.Fold)!;
            return replayed == incremental;
        }).QuickCheckThrowOnFailure();
}
