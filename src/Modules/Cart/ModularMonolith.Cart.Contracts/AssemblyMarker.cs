namespace ModularMonolith.Cart.Contracts;
