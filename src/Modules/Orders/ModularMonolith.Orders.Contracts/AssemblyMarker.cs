namespace ModularMonolith.Orders.Contracts;
