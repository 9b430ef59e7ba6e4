using JasperFx;
using ModularMonolith.Host.Cli;
using ModularMonolith.Host.AdminConsole;
using ModularMonolith.Host.Wiring;

[assembly: JasperFxAssembly]

// Wiring only: each module registers itself; the host adds what they share.
var builder = WebApplication.CreateBuilder(args);
builder.QuietenCommandLine(args);

// Which modules run here, on which databases, and whether messages cross over RabbitMQ: configuration only
// (docs/architecture.md, "Topologies"). Without settings: every module, one database, local queues.
var topology = Topology.Read(builder.Configuration);
builder.Services.AddSingleton(topology);
builder.AddPersistenceAndMessaging(topology);
foreach (var module in topology.Enabled) module.AddServices(builder.Services);

builder.AddTokenAuthentication();
builder.AddHttpApi();
builder.AddObservability();
builder.AddOperationsConsole();

var app = builder.Build();
app.UseHttpApi();
app.UseObservability();
app.UseOperationsConsole();

// Serving the API without arguments skips JasperFx's command line: to find verbs it loads every assembly in the
// application folder looking for [JasperFxAssembly] (Roslyn, RabbitMQ, Spectre.Console among them: mapped for the
// process's life whether used or not, docs/adr/0020). Its `run` verb does what RunAsync does.
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}
return await app.RunJasperFxCommands(args);

/// <summary>Visible to the test fixture, which starts this host with Alba.</summary>
public partial class Program;
