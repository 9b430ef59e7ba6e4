using Marten;

namespace ModularMonolith.Accounts;

/// <summary>
/// The Accounts module's own Marten store: documents and event streams in the <c>accounts</c> schema.
/// No other module can resolve it, because no other module references this project.
/// </summary>
public interface IAccountsStore : IDocumentStore;
