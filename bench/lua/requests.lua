-- wrk script: the requests come from the file BENCH_REQUESTS, one a line: "PATH" for a GET, "PATH<TAB>BODY" for a
-- POST with a JSON body. BENCH_ORDER is "cycle" (file order, wrapping round) or "random" (a random line each time).
-- BENCH_BODY_TEMPLATE, when set, is a body with "{}" where each line's own body text goes (so a file of slugs can
-- stand for a file of GraphQL documents). BENCH_AUTHORIZATION, when set, is sent as the Authorization header.
local order = os.getenv("BENCH_ORDER") or "cycle"
local prefix, suffix = "", ""
local template = os.getenv("BENCH_BODY_TEMPLATE")
if template and template ~= "" then
  prefix, suffix = template:match("^(.-){}(.*)$")
end

local get_headers = {}
local post_headers = {["Content-Type"] = "application/json"}
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
  get_headers["Authorization"] = authorization
  post_headers["Authorization"] = authorization
end

local paths, bodies = {}, {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do
  local path, body = line:match("^([^\t]+)\t(.*)$")
  if path == nil then
    path, body = line, false
  end
  paths[#paths + 1] = path
  bodies[#bodies + 1] = body
end
local count = #paths
local position = 0
math.randomseed(os.time())

request = function()
  local index
  if order == "random" then
    index = math.random(count)
  else
    position = position % count + 1
    index = position
  end
  local body = bodies[index]
  if body then
    return wrk.format("POST", paths[index], post_headers, prefix .. body .. suffix)
  end
  return wrk.format("GET", paths[index], get_headers)
end
