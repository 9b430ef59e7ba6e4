-- POST /api/accounts (anonymous sign-up): a new stream plus its inline snapshot, whose unique index on the email
-- is the duplicate check. Every request has a new email: run nonce, thread id, counter.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local n, nonce

function init(args)
  n = 0
  nonce = os.getenv("BENCH_NONCE")
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/accounts", { ["Content-Type"] = "application/json" },
    '{"name":"Bench Customer","email":"b' .. nonce .. "." .. tid .. "." .. n .. '@example.com","phone":"+15551234567"}')
end
