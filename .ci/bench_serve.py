"""Times `escalator serve` against llama-server's own OpenAI endpoint (see bench-serve.sh).

usage: bench_serve.py LLAMA_URL SERVE_URL N
Prints a table: per path p50/p90 wall ms, and for serve the assessment, the answer and the
overhead (wall time minus the question path's own total: HTTP, JSON, routing glue, the ledger
write), plus requests per second, sequential and with 4 clients at once.
"""
import json
import statistics
import sys
import threading
import time
import urllib.request

llama, serve, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
questions = [f"Question {i}: name a colour." for i in range(n)]


def post(url, body):
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        reply = json.loads(response.read())
    return (time.perf_counter() - start) * 1000, reply


def direct(q):
    return post(llama + "/v1/chat/completions", {"model": "any", "max_tokens": 16, "temperature": 0,
                                                  "messages": [{"role": "user", "content": q}]})


def served(q):
    return post(serve + "/v1/chat/completions", {"model": "auto", "messages": [{"role": "user", "content": q}]})


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# Warm both (model load, prompt cache, first connection).
for q in questions[:3]:
    direct(q)
    served(q)

d_wall, s_wall, s_assess, s_answer, s_over = [], [], [], [], []
tiers = {}
for q in questions:
    w, _ = direct(q)
    d_wall.append(w)
    w, reply = served(q)
    t = reply["escalator"]["timings_ms"]
    tiers[reply["escalator"]["tier"]] = tiers.get(reply["escalator"]["tier"], 0) + 1
    s_wall.append(w)
    s_assess.append(t["assess"])
    s_answer.append(t["answer"])
    s_over.append(w - t["total"])


def throughput(call, clients):
    lock = threading.Lock()
    todo = list(questions)
    def worker():
        while True:
            with lock:
                if not todo:
                    return
                q = todo.pop()
            call(q)
    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    return len(questions) / (time.perf_counter() - start)


rows = [("llama-server /v1/chat/completions", d_wall, None),
        ("serve auto: wall", s_wall, None),
        ("serve auto: assessment", s_assess, None),
        ("serve auto: local answer", s_answer, None),
        ("serve auto: overhead (wall - path total)", s_over, None)]
print(f"{n} questions, answered by: {tiers}")
print(f"{'':45} {'p50 ms':>9} {'p90 ms':>9}")
for name, xs, _ in rows:
    print(f"{name:45} {pct(xs, 0.5):9.1f} {pct(xs, 0.9):9.1f}")
seq_d = 1000 / statistics.mean(d_wall)
seq_s = 1000 / statistics.mean(s_wall)
par_d = throughput(direct, 4)
par_s = throughput(served, 4)
print(f"{'requests/s':45} {'1 client':>9} {'4 clients':>9}")
print(f"{'llama-server direct':45} {seq_d:9.2f} {par_d:9.2f}")
print(f"{'serve auto':45} {seq_s:9.2f} {par_s:9.2f}")
over = pct(s_over, 0.5)
print(f"serve overhead p50 {over:.1f} ms beyond the assessment and answer (target <= 5 ms): {'met' if over <= 5 else 'NOT met'}")
