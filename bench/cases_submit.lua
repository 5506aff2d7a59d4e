-- wrk script for bench/cases_submit.py: POST one JSON body after another, each with a
-- unique idempotency key, and count the answers by status.
--   args: path, bearer token ("-" for none), body template file, key prefix
-- The template's "@KEY@" becomes <prefix>-<thread>-<n>: unique within the run, and the
-- prefix makes it unique across runs.
local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  path = args[1]
  headers = {["Content-Type"] = "application/json"}
  if args[2] ~= "-" then headers["Authorization"] = "Bearer " .. args[2] end
  local f = assert(io.open(args[3], "r"))
  template = f:read("*a"):gsub("%s+$", "")
  f:close()
  prefix = args[4]
  n = 0
  c201, c200, cother = 0, 0, 0
  first_error = ""
end

function request()
  n = n + 1
  local key = string.format("%s-%d-%d", prefix, id, n)
  local body = template:gsub("@KEY@", key)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then c201 = c201 + 1
  elseif status == 200 then c200 = c200 + 1
  else
    cother = cother + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local a, b, c, err = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    a = a + t:get("c201"); b = b + t:get("c200"); c = c + t:get("cother")
    if err == "" then err = t:get("first_error") end
  end
  io.write(string.format("ANSWERS 201=%d 200=%d other=%d\n", a, b, c))
  if err ~= "" then io.write("FIRST_ERROR " .. err:gsub("\n", " ") .. "\n") end
end
