using Wolverine.Configuration;

namespace ModularMonolith.BuildingBlocks.Messaging;

/// <summary>
/// How a queue whose messages carry a group id (Wolverine's partitioned sequential processing) is divided: messages of
/// one group always take the same lane, each lane one message at a time. One value for the local queues a module
/// partitions (e.g. the Accounts module's payments, ADR 0022) and the host's RabbitMQ listeners, so the two paths
/// cannot drift apart.
/// </summary>
public static class PartitionedQueues
{
    public const PartitionSlots Lanes = PartitionSlots.Five;
}
