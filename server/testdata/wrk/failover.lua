-- wrk script of BenchmarkExternal's failover+poll scenarios: each
-- connection fails over, then reads the task the failover answered until
-- it has finished, then fails over again.
-- Arguments (after --): api ("vcav" or "vcha"), session token, and for
-- vcav the number of generated NOT_STARTED replications each thread may
-- fail over (server.GenerateReplications ids; thread t uses
-- [t*budget, (t+1)*budget)).
local threads = {}
local next_index = 0

function setup(thread)
  thread:set("index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local api, token, budget, pending
-- used, polls, exhausted, bad and bad_answer are globals on purpose: done()
-- runs in wrk's main Lua state and reads them with thread:get, which sees
-- a thread's globals only.
used, polls, exhausted, bad, bad_answer = 0, 0, 0, 0, ""
-- the body of BenchmarkLoad's VCAV failovers (vcavVcloudBody)
local vcloud_body = '{"type":"vcloud","powerOn":true,"consolidate":false,"instanceId":null,"vmNetworkSettings":null,"vAppNetworkSettings":null}'

function init(args)
  api, token, budget = args[1], args[2], tonumber(args[3] or "0")
  pending = {}
end

local function session_headers()
  if api == "vcav" then
    return { ["X-VCAV-Auth"] = token }
  end
  return { ["vmware-api-session-id"] = token }
end

local function failover()
  local h = session_headers()
  h["Content-Type"] = "application/json"
  if api == "vcha" then
    return wrk.format("POST", "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", h, '{"planned":true}')
  end
  local i = index * budget + used
  if used < budget - 1 then
    used = used + 1
  else
    exhausted = 1
  end
  local id = string.format("C4-%08x-0000-4000-8000-%012x", i, i)
  return wrk.format("POST", "/vm-replications/" .. id .. "/failover", h, vcloud_body)
end

function request()
  local id = table.remove(pending)
  if id == nil then
    return failover()
  end
  polls = polls + 1
  if api == "vcav" then
    return wrk.format("GET", "/tasks/" .. id, session_headers())
  end
  return wrk.format("GET", "/api/cis/tasks/" .. id, session_headers())
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad_answer == "" then
      bad_answer = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
  if status == 202 then
    local id = api == "vcav" and body:match('"id":"([^"]+)"') or body:match('^"([^"]+)"')
    if id then table.insert(pending, id) end
  elseif status == 200 and (body:find('"state":"RUNNING"', 1, true) or body:find('"status":"RUNNING"', 1, true)
      or body:find('"status":"PENDING"', 1, true)) then
    local id = api == "vcav" and body:match('"id":"([^"]+)"') or body:match('"id":"([^"]+)"')
    if id then table.insert(pending, id) end
  end
end

function done(summary, latency, requests)
  local f, p, ex, b, first = 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    f = f + (t:get("used") or 0)
    p = p + (t:get("polls") or 0)
    ex = ex + (t:get("exhausted") or 0)
    b = b + (t:get("bad") or 0)
    if first == "" then first = t:get("bad_answer") or "" end
  end
  io.write(string.format("failoverkit: failovers=%d polls=%d exhausted=%d non2xx=%d\n", f, p, ex, b))
  if first ~= "" then
    io.write("failoverkit-first-non2xx: " .. string.gsub(first, "\n", " ") .. "\n")
  end
end
