using Marten;

namespace ModularMonolith.Cart;

/// <summary>The Cart module's own Marten store: documents and event streams in the <c>cart</c> schema.</summary>
public interface ICartStore : IDocumentStore;
