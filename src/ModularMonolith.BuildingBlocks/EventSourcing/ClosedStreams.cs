using Marten;

namespace ModularMonolith.BuildingBlocks.EventSourcing;

/// <summary>
/// A module's answer to "which of your streams are finished and older than this?", registered by the module so the
/// host's <c>archive</c> verb can archive them without knowing any module's rules (completed or cancelled orders,
/// abandoned carts, closed accounts).
/// </summary>
public sealed record ClosedStreams(string Module, Type StoreType,
    Func<IQuerySession, DateTimeOffset, CancellationToken, Task<IReadOnlyList<Guid>>> FinishedBefore);
