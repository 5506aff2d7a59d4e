-- wrk script: GET the URL with a bearer token (bench/cases_queries.py).
-- args: the raw token
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
