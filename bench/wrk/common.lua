-- Shared by the bench's wrk scripts: per-thread ids, an optional pause per connection (a steady offered rate
-- below saturation) and a JSON summary on stdout that the orchestrator reads. Latencies in microseconds.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local pause_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
if rate > 0 then
  -- A steady offered rate (requests per second, the whole run): each thread hands out send slots at its share of the
  -- rate, starting at a random phase, and a connection ready to send waits for the next free slot. A fixed pause per
  -- connection instead kept the connections in step (bursts of all of them at once) and offered less than asked,
  -- since the pause did not count the time a request took. Slots missed while every connection was busy are dropped
  -- rather than sent in a burst later. LuaJIT's ffi reads the monotonic clock (os.clock is CPU time).
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval, due
  function delay()
    local now = now_ms()
    if not due then
      math.randomseed(os.time() + tid * 7919)
      interval = tonumber(os.getenv("BENCH_THREADS")) * 1000 / rate
      due = now + math.random() * interval
    else
      due = math.max(due + interval, now)
    end
    return math.max(0, math.floor(due - now + 0.5))
  end
elseif pause_ms > 0 then
  function delay() return pause_ms end
end

function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(lines, line) end
  end
  return lines
end

function split(line)
  local fields = {}
  for field in string.gmatch(line, "%S+") do table.insert(fields, field) end
  return fields
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
