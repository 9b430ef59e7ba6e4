using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Orders.Tests.Operations;

/// <summary>
/// The host started as production starts it (no arguments) maps only the libraries it uses (docs/adr/0020): neither
/// Wolverine's extension discovery nor JasperFx's search for command-line verbs loads every assembly in the folder.
/// Each loaded assembly stays mapped for the process's life (RabbitMQ, Roslyn: ~8-12 MB of RSS unused).
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class StartingWithoutArguments(OrdersApp app)
{
    [Fact]
    public async Task Serving_the_api_does_not_load_the_assemblies_of_unused_transports_or_commands()
    {
        if (!OperatingSystem.IsLinux()) return; // reads /proc/<pid>/maps; CI and the bench run on Linux

        // A database of its own: this host runs its own Wolverine node and projection agents, which must not meet the
        // fixture's (Solo mode) on the shared test database.
        var database = "mm_bare_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"create database {database}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = database }.ConnectionString;
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = HostProcess.HostDirectory
            };
            start.ArgumentList.Add(Path.Combine(HostProcess.HostDirectory, "ModularMonolith.Host.dll"));
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ConnectionStrings__Postgres"] = connectionString;
            start.Environment["Auth__SigningKey"] = Testing.AppFixture.SigningKey;

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                (await ReadyAsync(port, process)).ShouldBeTrue("the host did not answer /health/ready within 60 s");
                var mapped = File.ReadAllLines($"/proc/{process.Id}/maps")
                    .Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? ""))
                    .Where(name => name.EndsWith(".dll", StringComparison.Ordinal)).ToHashSet();

                mapped.ShouldContain("ModularMonolith.Host.dll");
                mapped.ShouldNotContain("RabbitMQ.Client.dll");
                mapped.ShouldNotContain("Microsoft.CodeAnalysis.CSharp.Scripting.dll");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                await Task.WhenAll(output, errors);
            }
        }
        finally
        {
            await ExecuteAsync($"drop database if exists {database} with (force)");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> ReadyAsync(int port, Process process)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            // Polling a process started outside the test's host: no tracked session or projection wait applies.
            await Task.Delay(100);
        }
        return false;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
