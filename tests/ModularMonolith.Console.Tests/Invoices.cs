using System.Collections.Concurrent;
using Wolverine;
using Wolverine.ErrorHandling;

namespace ModularMonolith.Console.Tests;

/// <summary>A test-only message whose handler fails while its order is on hold: a real poison message for the console.</summary>
public sealed record SendInvoice(Guid OrderId);

public sealed class MailServerDown(Guid orderId) : Exception($"The mail server refused the invoice of order {orderId}.");

public static class Invoices
{
    public static readonly ConcurrentDictionary<Guid, bool> OnHold = new();
    public static readonly ConcurrentDictionary<Guid, int> Sent = new();

    public static void AddTo(WolverineOptions wolverine)
    {
        wolverine.Discovery.IncludeType(typeof(InvoiceSender));
        wolverine.OnException<MailServerDown>().RetryTimes(1);
    }
}

public static class InvoiceSender
{
    public static void Handle(SendInvoice message)
    {
        if (Invoices.OnHold.ContainsKey(message.OrderId)) throw new MailServerDown(message.OrderId);
        Invoices.Sent.AddOrUpdate(message.OrderId, 1, (_, count) => count + 1);
    }
}
