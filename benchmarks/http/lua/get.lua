-- GET with the bench user's token (BENCH_TOKEN; none for the reference).
local token = os.getenv("BENCH_TOKEN")
if token then wrk.headers["Authorization"] = "Bearer " .. token end
