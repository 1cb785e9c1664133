-- wrk script: form POSTs with a session cookie and CSRF token, a fresh submission token each.
-- args: path cookie csrf body ("{token}" in body is replaced by a new UUID per request).
local counter = 0

function init(args)
  path, cookie, csrf, body = args[1], args[2], args[3], args[4]
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  prefix = string.format("%08x", math.random(0, 0x7fffffff))
end

function request()
  counter = counter + 1
  local token = string.format("%s-%04x-4000-8000-%012x", prefix, math.random(0, 0xffff), counter)
  local headers = {
    ["Cookie"] = cookie,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, (body:gsub("{token}", token)))
end
