namespace ModularMonolith.Accounts.Contracts;
