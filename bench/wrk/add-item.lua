-- POST /api/carts/{id}/items: an append to an existing stream plus its inline snapshot.
-- BENCH_DATA: lines "cartId token sku..."; thread t of n takes every n-th cart, round-robin, so no two requests in
-- flight share a cart (no optimistic-concurrency conflicts from the load itself).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local carts, next_index, turn

function init(args)
  local all = read_lines(os.getenv("BENCH_DATA"))
  local n = tonumber(os.getenv("BENCH_THREADS"))
  carts = {}
  for i, line in ipairs(all) do
    if (i - 1) % n == tid then table.insert(carts, split(line)) end
  end
  next_index, turn = 0, 0
end

function request()
  local cart = carts[next_index % #carts + 1]
  next_index = next_index + 1
  if next_index % #carts == 0 then turn = turn + 1 end
  local sku = cart[3 + turn % (#cart - 2)]
  return wrk.format("POST", "/api/carts/" .. cart[1] .. "/items",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. cart[2] },
    '{"sku":"' .. sku .. '","quantity":1}')
end
