-- POST /api/carts: a new stream plus its inline snapshot. BENCH_DATA: lines "token" (customers), round-robin.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local tokens, next_index

function init(args)
  tokens = read_lines(os.getenv("BENCH_DATA"))
  next_index = tid
end

function request()
  local tok = tokens[next_index % #tokens + 1]
  next_index = next_index + 1
  return wrk.format("POST", "/api/carts", { ["Authorization"] = "Bearer " .. tok }, nil)
end
