-- wrk script for the collector: 10 tracker events per POST /e, site key from $SITE_KEY.
-- Run through bench/collector-wrk.bench.ts (starts a fresh runtime, runs wrk, counts the lake), or by hand:
--   SITE_KEY=<demo site key from admin.json> wrk -t1 -c64 -d15s -s bench/collector-wrk.lua --latency http://127.0.0.1:8787
local site = os.getenv("SITE_KEY") or "SITE_KEY"
local n = 0
tid = 0 -- set per wrk thread by setup(), so threads send distinct ids

local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

-- A run tag keeps event ids unique across runs (LuaJIT's math.random repeats its sequence).
local tag = os.getenv("RUN_TAG") or tostring(os.time())
request = function()
  n = n + 1
  local ev = {}
  for j = 0, 9 do
    ev[#ev+1] = string.format('{"id":"w-%s-%d-%d-%d","type":"page","ts":%d000,"aid":"v%d","url":"http://localhost/p/%d","ref":"https://www.google.com/"}', tag, tid, n, j, os.time(), n % 5000, n % 100)
  end
  local body = '{"site":"' .. site .. '","sdk":"wrk","events":[' .. table.concat(ev, ",") .. ']}'
  return wrk.format("POST", "/e", {["Content-Type"]="text/plain", ["User-Agent"]="Mozilla/5.0 Chrome/124.0"}, body)
end

-- One machine-readable line for the runner: acknowledged = completed requests answered 2xx/3xx.
done = function(summary, latency, requests)
  io.write(string.format("wrk-summary requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
