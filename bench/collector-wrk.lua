-- wrk script for the collector: 10 tracker events per POST /e. Replace SITE_KEY with the demo site key
-- (`.sightline/admin.json`), then: wrk -t1 -c64 -d15s -s bench/collector-wrk.lua --latency http://127.0.0.1:8787
local n = 0
request = function()
  n = n + 1
  local ev = {}
  for j = 0, 9 do
    ev[#ev+1] = string.format('{"id":"w-%d-%d-%d","type":"page","ts":%d000,"aid":"v%d","url":"http://localhost/p/%d","ref":"https://www.google.com/"}', math.random(1,1000000000), n, j, os.time(), n % 5000, n % 100)
  end
  local body = '{"site":"SITE_KEY","sdk":"wrk","events":[' .. table.concat(ev, ",") .. ']}'
  return wrk.format("POST", "/e", {["Content-Type"]="text/plain", ["User-Agent"]="Mozilla/5.0 Chrome/124.0"}, body)
end
