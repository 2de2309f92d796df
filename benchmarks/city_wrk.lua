-- wrk script of the city benchmark: one JSON line with throughput, p95 and bytes per response.
-- No response() callback: it would make wrk parse every body. errors counts HTTP ≥ 400 too.
done = function(summary, latency, requests)
  local n = summary.requests
  io.write(string.format(
    'JSON {"rps": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "requests": %d, "bytes": %d, "errors": %d}\n',
    n / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, n, n > 0 and math.floor(summary.bytes / n) or 0,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
