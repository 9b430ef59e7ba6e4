using Marten;

namespace ModularMonolith.Orders;

/// <summary>The Orders module's own Marten store: documents and event streams in the <c>orders</c> schema.</summary>
public interface IOrdersStore : IDocumentStore;
