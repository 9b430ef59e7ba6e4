using JasperFx.Events;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.ErasingPersonalData;
using ModularMonolith.Accounts.GettingStatement;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PersonalData;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.GettingStatement;

/// <summary>The statement's fold (ADR 0017) without a database: the head after some events, and the rows they add.</summary>
public sealed class StatementRules
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    private static IEvent At(long version, object data)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Version = version;
        return e;
    }

    [Fact]
    public void Movements_continue_the_heads_positions_and_balance_and_leave_the_given_head_as_it_was()
    {
        var head = new AccountStatement { Id = Id, Balance = 10m, LineCount = 4 };

        var (after, rows, erased) = StatementMovements.Fold(head, Id,
            [At(9, new FundsDeposited(Id, 5m, new SealedText("pd1:x"), T0))]);

        erased.ShouldBeFalse();
        (after!.Balance, after.LineCount).ShouldBe((15m, 5));
        (head.Balance, head.LineCount).ShouldBe((10m, 4));
        var row = rows.ShouldHaveSingleItem();
        (row.Id, row.Position, row.Version, row.Amount, row.BalanceAfter, row.Reference)
            .ShouldBe(($"{Id}/5", 5, 9L, 5m, 15m, "pd1:x"));
    }

    [Fact]
    public void An_erasure_in_the_same_events_erases_the_references_of_the_rows_they_add()
    {
        var (after, rows, erased) = StatementMovements.Fold(null, Id,
        [
            At(1, new AccountOpened(Id, new SealedText("pd1:n"), new SealedText("pd1:e"), new SealedText("pd1:p"), T0)),
            At(2, new FundsDeposited(Id, 5m, new SealedText("pd1:x"), T0)),
            At(3, new FundsDeposited(Id, 1m, null, T0)),
            At(4, new PersonalDataErased(Id, T0))
        ]);

        erased.ShouldBeTrue();
        after!.LineCount.ShouldBe(2);
        rows.Select(r => r.Reference).ShouldBe([SealedText.Erased.Stored, null]);
    }
}
