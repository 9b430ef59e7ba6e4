using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.ErasingPersonalData;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PayingForOrders;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Accounts.Withdrawing;

namespace ModularMonolith.Accounts.GettingStatement;

/// <summary>
/// Builds an account's statement: the small <see cref="AccountStatement"/> head as Marten's single-stream aggregate
/// (so the daemon's aggregate cache, its retries and rebuilds keep the running balance right), and beside it one
/// <see cref="StatementEntry"/> row per movement, written into the same projection batch. Marten 9 hands
/// <see cref="DetermineActionAsync"/> that batch's <see cref="IDocumentOperations"/> in the daemon, in continuous mode
/// and in a rebuild alike; side effects (RaiseSideEffects) would be skipped in a rebuild, so rows are not written there.
/// </summary>
public sealed class AccountStatementProjection : SingleStreamProjection<AccountStatement, Guid>
{
    public AccountStatementProjection()
    {
        Name = "AccountStatement";
        IncludeType<AccountOpened>();
        IncludeType<FundsDeposited>();
        IncludeType<FundsWithdrawn>();
        IncludeType<OrderPaymentDebited>();
        IncludeType<OrderPaymentRefunded>();
        IncludeType<PersonalDataErased>();
        // A rebuild starts from no rows, as it starts from no heads.
        Options.DeleteViewTypeOnTeardown<StatementEntry>();
    }

    public override ValueTask<(AccountStatement?, ActionType)> DetermineActionAsync(IQuerySession session,
        AccountStatement? snapshot, Guid identity, IIdentitySetter<AccountStatement, Guid> identitySetter,
        IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var (statement, added, erased) = StatementMovements.Fold(snapshot, identity, events);
        // Live aggregation (a plain query session) has nowhere to write rows: only the head is asked for there.
        if (session is IDocumentOperations operations)
        {
            if (erased) operations.QueueSqlCommand(EraseReferencesSql(session.DocumentStore), identity);
            if (added.Count > 0) operations.Store(added.ToArray());
        }
        return ValueTask.FromResult((statement, statement is null ? ActionType.Nothing : ActionType.Store));
    }

    /// <summary>
    /// An erasure drops the references of the rows written before this batch; the rows of this batch come out of
    /// <see cref="StatementMovements.Fold"/> already erased, so the order Marten runs the two in does not matter.
    /// </summary>
    private static string EraseReferencesSql(IDocumentStore store) =>
        // The table Marten derives from the document type (renaming StatementEntry renames it); built per erasure,
        // which is rare.
        $"update {store.Options.Schema.For<StatementEntry>()} " +
        $"set data = jsonb_set(data, '{{reference}}', to_jsonb('{SealedText.Erased.Stored}'::text)) " +
        "where CAST(data ->> 'accountId' as uuid) = ? and data ->> 'reference' is not null";
}

/// <summary>The statement's rules as a pure function of the head so far and a stream's new events (the head is not changed).</summary>
public static class StatementMovements
{
    public static (AccountStatement? Statement, List<StatementEntry> Added, bool Erased) Fold(
        AccountStatement? snapshot, Guid accountId, IReadOnlyList<IEvent> events)
    {
        // A copy: the head given is the daemon's cached one, and a batch that fails must find it as it was.
        var statement = snapshot is null ? null
            : new AccountStatement { Id = snapshot.Id, Balance = snapshot.Balance, LineCount = snapshot.LineCount };
        var added = new List<StatementEntry>();
        var erased = false;
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case AccountOpened:
                    statement ??= new AccountStatement { Id = accountId };
                    break;
                case FundsDeposited d:
                    Record(d.Amount, MovementKind.Deposit, null, d.Reference, d.DepositedAt);
                    break;
                case FundsWithdrawn w:
                    Record(-w.Amount, MovementKind.Withdrawal, null, w.Reference, w.WithdrawnAt);
                    break;
                case OrderPaymentDebited debit:
                    Record(-debit.Amount, MovementKind.OrderDebit, debit.OrderId, null, debit.DebitedAt);
                    break;
                case OrderPaymentRefunded refund:
                    Record(refund.Amount, MovementKind.OrderRefund, refund.OrderId, null, refund.RefundedAt);
                    break;
                case PersonalDataErased when statement is not null:
                    erased = true;
                    foreach (var line in added.Where(l => l.Reference is not null)) line.Reference = SealedText.Erased.Stored;
                    break;
            }

            void Record(decimal signedAmount, MovementKind kind, Guid? orderId, SealedText? reference, DateTimeOffset at)
            {
                // Money moves only on an opened account; an account's first event is its opening.
                if (statement is null) return;
                statement.Balance += signedAmount;
                statement.LineCount++;
                added.Add(new StatementEntry
                {
                    Id = StatementEntry.IdOf(accountId, statement.LineCount), AccountId = accountId,
                    Position = statement.LineCount, Version = e.Version, Kind = kind, Amount = signedAmount,
                    BalanceAfter = statement.Balance, OrderId = orderId, Reference = reference?.Stored, At = at
                });
            }
        }
        return (statement, added, erased);
    }
}
