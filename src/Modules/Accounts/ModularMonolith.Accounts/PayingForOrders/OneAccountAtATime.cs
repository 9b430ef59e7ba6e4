using ModularMonolith.Accounts.Contracts;
using ModularMonolith.BuildingBlocks.Messaging;
using Wolverine;

namespace ModularMonolith.Accounts.PayingForOrders;

/// <summary>
/// Debits and refunds of one account are handled one after another; different accounts' in parallel (Wolverine's
/// partitioned sequential processing, grouped by account id). A burst of orders for one account otherwise raced on
/// its stream: every attempt but one lost the version check and retried (9,044 failed attempts for 10,000 orders in
/// the benchmark's long history), each with an exception, an error line and a cool-down. The retry policy stays for
/// the races that remain (an HTTP deposit or withdrawal at the same moment, another node). docs/adr/0022.
/// </summary>
public static class OneAccountAtATime
{
    /// <summary>The account a payment message belongs to: its group, whatever queue or broker carries it.</summary>
    public static WolverineOptions GroupPaymentsByAccount(this WolverineOptions wolverine)
    {
        wolverine.MessagePartitioning
            .ByMessage<DebitAccountForOrder>(m => m.AccountId.ToString())
            .ByMessage<RefundAccountForOrder>(m => m.AccountId.ToString());
        // The durable local queues that carry them in the monolith (RabbitMQ listeners: RabbitMqMessaging).
        wolverine.LocalQueueFor<DebitAccountForOrder>().PartitionProcessingByGroupId(PartitionedQueues.Lanes);
        wolverine.LocalQueueFor<RefundAccountForOrder>().PartitionProcessingByGroupId(PartitionedQueues.Lanes);
        return wolverine;
    }
}
