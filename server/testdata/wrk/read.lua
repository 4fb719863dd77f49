-- wrk script of BenchmarkExternal's task-read scenarios: every request is
-- the same authenticated GET.
-- Arguments (after --): path, session header name, session token.
function init(args)
  wrk.method = "GET"
  wrk.path = args[1]
  wrk.headers[args[2]] = args[3]
end
