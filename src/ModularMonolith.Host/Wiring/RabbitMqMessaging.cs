using ModularMonolith.BuildingBlocks.Messaging;
using Wolverine;
using Wolverine.RabbitMQ;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// Modules apart (<c>ConnectionStrings:RabbitMq</c> set): every contract message goes to its receiving module's durable
/// queue in RabbitMQ, and each process listens on the queues of the modules it runs. The handlers do not change: they
/// still commit their events and outgoing messages in one transaction (outbox), and a received message is stored in the
/// inbox of the receiver's database before it is acknowledged to RabbitMQ (docs/adr/0011).
/// </summary>
internal static class RabbitMqMessaging
{
    public static void CrossModulesOverRabbitMq(this WolverineOptions wolverine, Uri broker, Topology topology)
    {
        wolverine.UseRabbitMq(broker)
            // Queues are declared by whoever starts first, so processes can start in any order.
            .AutoProvision()
            // A message that fails every retry lands in Wolverine's dead-letter table of the receiver's database, as in
            // the monolith: GET /api/admin/dead-letters, replay and the readiness check keep working per process.
            .CustomizeDeadLetterQueueing(new DeadLetterQueue("modularmonolith.dead-letters", DeadLetterQueueMode.WolverineStorage))
            // Nothing here uses request/reply over the broker; a per-node reply queue would only clutter RabbitMQ.
            .DisableSystemRequestReplyQueueDeclaration()
            // The outbox deletes a message once its send succeeded. Without publisher confirms "succeeded" meant
            // "handed to the client library", and messages published just before RabbitMQ stopped were lost (6 of 200
            // orders never paid in eng/checks/modules-apart.py). With them, a send succeeds when the broker has taken
            // the message, and one the broker never confirmed stays in the outbox and is sent again.
            .ConfigureChannelCreation(channels =>
            {
                channels.PublisherConfirmationsEnabled = true;
                channels.PublisherConfirmationTrackingEnabled = true;
            });

        foreach (var module in Topology.All)
        foreach (var message in module.Inbox)
            // Explicit routes win over local routing, so a receiver in this very process is also reached through
            // RabbitMQ: one path, whatever the topology.
            wolverine.Publish(route => route.Message(message).ToRabbitQueue(module.Queue).UseDurableOutbox());

        // Partitioned by the modules' grouping rules (e.g. one account's payments one after another, OneAccountAtATime);
        // a message without a group takes any lane.
        foreach (var module in topology.Enabled.Where(m => m.Inbox.Count > 0))
            wolverine.ListenToRabbitQueue(module.Queue).UseDurableInbox()
                .PartitionProcessingByGroupId(PartitionedQueues.Lanes);
    }
}
