-- GET /api/accounts/{id}: the owner reads the account (its inline snapshot; since #15 also the account's personal
-- data key, to decrypt name, email and phone). BENCH_DATA: lines "accountId token", round-robin.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local accounts, next_index

function init(args)
  accounts = {}
  for _, line in ipairs(read_lines(os.getenv("BENCH_DATA"))) do table.insert(accounts, split(line)) end
  next_index = tid
end

function request()
  local a = accounts[next_index % #accounts + 1]
  next_index = next_index + 1
  return wrk.format("GET", "/api/accounts/" .. a[1], { ["Authorization"] = "Bearer " .. a[2] }, nil)
end
