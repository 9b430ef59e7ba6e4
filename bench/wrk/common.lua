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
if pause_ms > 0 then
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
