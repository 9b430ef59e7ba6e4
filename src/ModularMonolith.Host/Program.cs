using JasperFx;
using ModularMonolith.Accounts;
using ModularMonolith.Cart;
using ModularMonolith.Host.Cli;
using ModularMonolith.Host.AdminConsole;
using ModularMonolith.Host.Wiring;
using ModularMonolith.Orders;

[assembly: JasperFxAssembly]

// Wiring only: each module registers itself; the host adds what they share.
var builder = WebApplication.CreateBuilder(args);
builder.QuietenCommandLine(args);

builder.AddPersistenceAndMessaging(wolverine => wolverine
    .AddAccountsModule()
    .AddCartModule()
    .AddOrdersModule());

builder.Services
    .AddAccountsModule()
    .AddCartModule()
    .AddOrdersModule();

builder.AddTokenAuthentication();
builder.AddHttpApi();
builder.AddObservability();
builder.AddOperationsConsole();

var app = builder.Build();
app.UseHttpApi();
app.UseObservability();
app.UseOperationsConsole();

return await app.RunJasperFxCommands(args);

/// <summary>Visible to the test fixture, which starts this host with Alba.</summary>
public partial class Program;
