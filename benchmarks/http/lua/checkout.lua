-- POST /api/cart/checkout of one cart line per request (ids one per line in BENCH_CART_IDS), each with its own
-- Idempotency-Key. Past the last id the body names no line and the server refuses it: counted as errors.
local token = os.getenv("BENCH_TOKEN")
local ids = {}
for line in io.lines(os.getenv("BENCH_CART_IDS")) do
  if #line > 0 then ids[#ids + 1] = line end
end
local index = 0

request = function()
  index = index + 1
  local id = ids[index] or "00000000-0000-4000-8000-000000000000"
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. index .. "-" .. math.random(1000000000),
  }
  return wrk.format("POST", nil, headers, '{"items":[{"cart_item_id":"' .. id .. '"}]}')
end
