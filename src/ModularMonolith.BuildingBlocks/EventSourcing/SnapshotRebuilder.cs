using Marten;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>
/// A module's own rebuild of one of its inline snapshots, registered by the module so the host's <c>rebuild</c> verb and
/// the console's Rebuild button use it instead of Marten's daemon for that projection (docs/adr/0018). It must leave
/// exactly the documents and progression Marten's rebuild leaves, and keep the projection's progression row at the last
/// sequence number it has read while it runs, as Marten's does (the verb and the console's bar read it).
/// </summary>
public sealed record SnapshotRebuilder(Type StoreType, string Projection,
    Func<IDocumentStore, CancellationToken, Task> Rebuild);
