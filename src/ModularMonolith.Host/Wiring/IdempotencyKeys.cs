using JasperFx;
using Microsoft.AspNetCore.Authorization;
using JasperFx.CodeGeneration;
using Wolverine.Http;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// Every POST command endpoint of every module accepts an <c>Idempotency-Key</c> header, through one Wolverine
/// mechanism applied here (<c>[DeduplicatedWithResponse]</c>, claims stored in PostgreSQL beside the outbox):
/// a replay of the same key with the same request gets the first response (status, body, Location) without the work
/// being done again; the same key with a different request is a 422; a replay while the first is still running is a
/// 409. Keys belong to the caller and the endpoint, and expire after <see cref="Window"/>. The header is optional.
/// </summary>
internal sealed class IdempotencyKeys : IHttpPolicy
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.HttpMethods.Contains("POST")))
            // An anonymous endpoint (sign-up) has no caller to scope by: its keys are the endpoint's, said so here
            // rather than by a user scope that resolves to nobody (which Wolverine warns about at every start). A
            // replay there needs the same key and the same bytes, and returns only the opened account's id
            // (docs/architecture.md, "Idempotency-Key").
            new DeduplicatedWithResponseAttribute(chain.HasAttribute<AllowAnonymousAttribute>()
                    ? DeduplicationScope.Endpoint
                    : DeduplicationScope.User | DeduplicationScope.Endpoint)
                {
                    Required = false,
                    WindowInSeconds = (int)Window.TotalSeconds,
                    // The claim and its recorded response commit with the endpoint's own transaction: a crash before
                    // the commit leaves no claim (the retry does the work), a crash after it leaves the answer.
                    ClaimInTransaction = true
                }
                .Modify(chain, rules);
    }
}
