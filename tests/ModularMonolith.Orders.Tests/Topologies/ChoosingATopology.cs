using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Host.Wiring;
using Shouldly;
using Wolverine.Runtime;
using Xunit;

namespace ModularMonolith.Orders.Tests.Topologies;

/// <summary>Configuration alone decides which modules run in a process, on which databases, over which transport.</summary>
public sealed class ChoosingATopology
{
    private const string Shared = "Host=db;Database=shop";

    private static Topology Read(params (string Key, string Value)[] settings) =>
        Topology.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    private static string Prepared(string connectionString) =>
        $"{connectionString};Max Auto Prepare={Topology.AutoPreparedStatements}";

    [Theory]
    [InlineData("Host=db;Database=shop;Max Auto Prepare=0")]
    [InlineData("Host=db;Database=shop;maxautoprepare=8;")]
    [InlineData("Host=db;Database=shop; MAX AUTO PREPARE = 12")]
    public void A_connection_string_that_sets_automatic_preparation_keeps_its_own_value(string connectionString) =>
        Read(("ConnectionStrings:Postgres", connectionString)).MainConnectionString.ShouldBe(connectionString);

    [Fact]
    public void Without_settings_every_module_runs_on_the_one_database_over_local_queues()
    {
        var topology = Read(("ConnectionStrings:Postgres", Shared));

        topology.Enabled.Select(m => m.Name).ShouldBe(["accounts", "cart", "orders"]);
        topology.ConnectionStrings.Values.ShouldAllBe(c => c == Prepared(Shared));
        topology.MainConnectionString.ShouldBe(Prepared(Shared));
        topology.RabbitMq.ShouldBeNull();
    }

    [Fact]
    public void A_process_runs_only_the_modules_it_is_told_each_on_its_own_database_when_named()
    {
        var topology = Read(("Modules:Enabled", "orders, Accounts"), ("ConnectionStrings:Orders", "Host=db;Database=orders"),
            ("ConnectionStrings:Postgres", Shared), ("ConnectionStrings:RabbitMq", "amqp://guest:guest@127.0.0.1:5672"));

        topology.Enabled.Select(m => m.Name).ShouldBe(["accounts", "orders"]);
        topology.ConnectionStrings["orders"].ShouldBe(Prepared("Host=db;Database=orders"));
        topology.ConnectionStrings["accounts"].ShouldBe(Prepared(Shared), "a module without its own connection string falls back to Postgres");
        topology.MainConnectionString.ShouldBe(Prepared(Shared), "Wolverine's node records live in the first enabled module's database");
        topology.RabbitMq.ShouldBe(new Uri("amqp://guest:guest@127.0.0.1:5672"));
    }

    [Fact]
    public void A_process_running_some_modules_does_not_take_the_pregenerated_endpoint_list_of_all_modules()
    {
        var some = Read(("Modules:Enabled", "orders"), ("ConnectionStrings:Postgres", Shared),
            ("ConnectionStrings:RabbitMq", "amqp://localhost"));
        var all = Read(("ConnectionStrings:Postgres", Shared));

        some.TypeLoadModeFor(JasperFx.CodeGeneration.TypeLoadMode.Static).ShouldBe(JasperFx.CodeGeneration.TypeLoadMode.Auto);
        some.TypeLoadModeFor(JasperFx.CodeGeneration.TypeLoadMode.Dynamic).ShouldBe(JasperFx.CodeGeneration.TypeLoadMode.Dynamic);
        all.TypeLoadModeFor(JasperFx.CodeGeneration.TypeLoadMode.Static).ShouldBe(JasperFx.CodeGeneration.TypeLoadMode.Static);
    }

    [Fact]
    public void The_enabled_modules_may_be_a_list()
    {
        var topology = Read(("Modules:Enabled:0", "cart"), ("Modules:Enabled:1", "orders"),
            ("ConnectionStrings:Postgres", Shared), ("ConnectionStrings:RabbitMq", "amqp://localhost"));

        topology.Enabled.Select(m => m.Name).ShouldBe(["cart", "orders"]);
    }

    [Fact]
    public void Running_some_modules_without_a_broker_is_refused_at_start_since_their_messages_could_go_nowhere()
    {
        var refusal = Should.Throw<InvalidOperationException>(() =>
            Read(("Modules:Enabled", "orders"), ("ConnectionStrings:Postgres", Shared)));

        refusal.Message.ShouldContain("ConnectionStrings:RabbitMq");
    }

    [Fact]
    public void An_unknown_module_is_refused_by_name()
    {
        var refusal = Should.Throw<InvalidOperationException>(() =>
            Read(("Modules:Enabled", "orders,shipping"), ("ConnectionStrings:Postgres", Shared)));

        refusal.Message.ShouldContain("shipping");
        refusal.Message.ShouldContain("accounts, cart, orders");
    }

    [Fact]
    public void A_module_without_any_connection_string_is_refused_naming_both_settings()
    {
        var refusal = Should.Throw<InvalidOperationException>(() =>
            Read(("Modules:Enabled", "cart"), ("ConnectionStrings:RabbitMq", "amqp://localhost")));

        refusal.Message.ShouldContain("ConnectionStrings:Cart");
        refusal.Message.ShouldContain("ConnectionStrings:Postgres");
    }

    [Fact]
    public void A_broker_address_that_is_not_a_uri_is_refused()
    {
        Should.Throw<InvalidOperationException>(() =>
                Read(("ConnectionStrings:Postgres", Shared), ("ConnectionStrings:RabbitMq", "rabbit on the corner")))
            .Message.ShouldContain("amqp://");
    }
}

/// <summary>
/// Over RabbitMQ a sender cannot ask the receiver's handler graph (it may run elsewhere), so the host keeps a table of
/// which module handles which contract message. The monolith's handler graph is the truth it must match.
/// </summary>
[Collection(OrdersCollection.Name)]
public sealed class RoutingContractMessages(OrdersApp app)
{
    [Fact]
    public void Every_contract_message_is_routed_to_the_module_whose_handler_takes_it_and_to_no_other()
    {
        var handlers = ((WolverineRuntime)app.Host.Services.GetRequiredService<IWolverineRuntime>()).Handlers;
        var handled = handlers.Chains
            .Where(chain => chain.MessageType.Assembly.GetName().Name!.EndsWith(".Contracts"))
            .SelectMany(chain => chain.Handlers.Concat(chain.ByEndpoint.SelectMany(c => c.Handlers))
                .Select(h => (Message: chain.MessageType, Module: h.HandlerType.Assembly.GetName().Name!.Split('.')[1].ToLowerInvariant())))
            .Distinct()
            .OrderBy(x => x.Message.Name).ToList();

        var routed = Topology.All.SelectMany(m => m.Inbox.Select(message => (Message: message, Module: m.Name)))
            .OrderBy(x => x.Message.Name).ToList();

        handled.ShouldNotBeEmpty();
        routed.ShouldBe(handled);
    }
}
