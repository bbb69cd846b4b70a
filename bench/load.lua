-- wrk script for bench/load.py: every request is the next line of a file of pre-built, unique,
-- validly signed and encrypted callbacks ("TARGET<TAB>BODY" per line), so the inbox's duplicate
-- check drops none of them. Run with one wrk thread: its counters then describe the whole run.
--   wrk -t1 -c32 -d60s -s bench/load.lua http://127.0.0.1:PORT -- requests.tsv

local reqs = {}
nlines = 0
calls = 0      -- request() calls (the first is wrk's own check of the script, never sent)
ok = 0         -- responses with status 200
other = 0      -- responses with any other status
codes = ""     -- "status=count;" for the other statuses
local seen = {}

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    nlines = nlines + 1
    reqs[nlines] = wrk.format("POST", line:sub(1, tab - 1), {["Content-Type"] = "text/xml"}, line:sub(tab + 1))
  end
end

function request()
  calls = calls + 1
  return reqs[((calls - 1) % nlines) + 1]  -- wraps (repeats) only if the file was too short: load.py reports it
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
    seen[status] = (seen[status] or 0) + 1
    codes = ""
    for k, v in pairs(seen) do codes = codes .. k .. "=" .. v .. ";" end
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local t = threads[1]
  io.write(string.format(
    'RESULT {"calls": %d, "ok": %d, "other": %d, "codes": "%s", "requests": %d, "duration_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "lines": %d}\n',
    t:get("calls"), t:get("ok"), t:get("other"), t:get("codes"), summary.requests, summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, t:get("nlines")))
end
