-- wrk script for bench/http_throughput.py: GET a different path on every request.
--   BENCH_PATHS  a Lua file that returns a table of paths, e.g. { "/api/customers/17", ... }
--   BENCH_TOKEN  optional; sent as "Authorization: Bearer <token>"
-- done() prints one machine-readable RESULT line (latencies in microseconds).

local paths = dofile(os.getenv("BENCH_PATHS"))
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = 0
function setup(thread)
  thread:set("offset", threads * 7919)  -- threads start at different places in the list
  threads = threads + 1
end

local i = 0
function init(args)
  i = offset or 0
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
