using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.ErrorHandling;

namespace ModularMonolith.Orders.Tests;

/// <summary>A test-only message whose handler fails while the printer for its order is jammed: a real poison message.</summary>
public sealed record PrintPackingSlip(Guid OrderId);

public sealed class PrinterJammed(Guid orderId) : Exception($"The printer jammed on the packing slip of order {orderId}.");

/// <summary>Registered from the test project only (production code has no test hooks).</summary>
public static class PackingSlips
{
    public const int Retries = 2;

    /// <summary>Orders whose slip the printer refuses until the test clears the jam.</summary>
    public static readonly ConcurrentDictionary<Guid, bool> Jammed = new();

    /// <summary>Orders whose slip the printer refuses once, then prints (a failure its retry gets past).</summary>
    public static readonly ConcurrentDictionary<Guid, bool> JammedOnce = new();

    /// <summary>How many times each order's slip was printed: the work that must happen exactly once.</summary>
    public static readonly ConcurrentDictionary<Guid, int> Printed = new();

    public static void AddTo(IServiceCollection services) => services.ConfigureWolverine(wolverine =>
    {
        wolverine.Discovery.IncludeType(typeof(PackingSlipPrinter));
        // Retries first; what still fails after them goes to the dead letters (Wolverine's default after retries).
        wolverine.OnException<PrinterJammed>().RetryTimes(Retries);
    });
}

public static class PackingSlipPrinter
{
    public static void Handle(PrintPackingSlip message)
    {
        if (PackingSlips.Jammed.ContainsKey(message.OrderId) || PackingSlips.JammedOnce.TryRemove(message.OrderId, out _))
            throw new PrinterJammed(message.OrderId);
        PackingSlips.Printed.AddOrUpdate(message.OrderId, 1, (_, count) => count + 1);
    }
}
