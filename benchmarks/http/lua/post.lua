-- POST of one fixed JSON body (BENCH_BODY), with the bench user's token (BENCH_TOKEN; none for the reference).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token then wrk.headers["Authorization"] = "Bearer " .. token end
