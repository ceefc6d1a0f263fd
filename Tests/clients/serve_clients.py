"""Drives `escalator serve` with real client libraries (openai, anthropic, llm) for the Swift
tests in Tests/EscalatorCLITests/ServeCLITests.swift. Prints one JSON object per scenario on
stdout; the Swift side checks it against the ledger and the API stand-in's log.

usage: serve_clients.py BASE_URL SCENARIO [ARGS...]
"""
import json
import os
import subprocess
import sys
import threading

import anthropic
import openai

base = sys.argv[1]
scenario = sys.argv[2]
args = sys.argv[3:]
KEY = os.environ.get("SERVE_KEY", "sk-no-key-needed")


def oa():
    return openai.OpenAI(base_url=base + "/v1", api_key=KEY, max_retries=0, timeout=300)


def an():
    return anthropic.Anthropic(base_url=base, api_key=KEY, max_retries=0, timeout=300)


def escalator_headers(headers):
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-escalator-")}


def openai_plain(model, question):
    raw = oa().chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": question}])
    completion = raw.parse()
    return {"headers": escalator_headers(raw.headers), "text": completion.choices[0].message.content,
            "finish_reason": completion.choices[0].finish_reason, "model": completion.model,
            "usage": completion.usage.model_dump() if completion.usage else None,
            "escalator": (completion.model_extra or {}).get("escalator")}


def openai_stream(model, question):
    with oa().chat.completions.with_streaming_response.create(
            model=model, messages=[{"role": "user", "content": question}], stream=True) as response:
        headers = escalator_headers(response.headers)
        pieces, final, finish = [], None, None
        for chunk in response.parse():
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            if chunk.choices and chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
                final = (chunk.model_extra or {}).get("escalator")
    return {"headers": headers, "text": "".join(pieces), "finish_reason": finish, "escalator": final, "chunks": len(pieces)}


def anthropic_plain(model, question, history=None):
    messages = (history or []) + [{"role": "user", "content": question}]
    raw = an().messages.with_raw_response.create(model=model, max_tokens=256, messages=messages)
    message = raw.parse()
    return {"headers": escalator_headers(raw.headers), "text": "".join(b.text for b in message.content if b.type == "text"),
            "stop_reason": message.stop_reason, "escalator": (message.model_extra or {}).get("escalator")}


def anthropic_stream(model, question):
    client = an()
    pieces, final = [], None
    with client.messages.with_streaming_response.create(
            model=model, max_tokens=256, messages=[{"role": "user", "content": question}], stream=True) as response:
        headers = escalator_headers(response.headers)
        for event in response.parse():
            if event.type == "content_block_delta" and event.delta.type == "text_delta":
                pieces.append(event.delta.text)
            if event.type == "message_delta":
                final = (event.model_extra or {}).get("escalator")
                stop = event.delta.stop_reason
    return {"headers": headers, "text": "".join(pieces), "stop_reason": stop, "escalator": final}


def error_of(call):
    try:
        call()
        return {"status": 200}
    except (openai.APIStatusError, anthropic.APIStatusError) as e:
        return {"status": e.status_code, "body": e.body, "retry_after": e.response.headers.get("retry-after")}


def raw_post(path, body):
    import urllib.error
    import urllib.request
    request = urllib.request.Request(base + path, data=body, headers={"content-type": "application/json",
                                                                      "authorization": "Bearer " + KEY})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return {"status": response.status, "body": json.loads(response.read() or b"null")}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": json.loads(e.read() or b"null")}


if scenario == "openai":
    model, question = args
    print(json.dumps({"plain": openai_plain(model, question), "stream": openai_stream(model, question + " (streamed)")}))
elif scenario == "anthropic":
    model, question = args
    plain = anthropic_plain(model, question)
    stream = anthropic_stream(model, question + " (streamed)")
    # A real follow-up (the history holds the answer given) continues in the same agent session;
    # a history the server never answered is folded into one prompt.
    continued = anthropic_plain(model, "What did I ask first?",
                                history=[{"role": "user", "content": question}, {"role": "assistant", "content": plain["text"]}])
    folded = anthropic_plain(model, "And a follow-up?",
                             history=[{"role": "user", "content": question}, {"role": "assistant", "content": "An earlier answer."}])
    print(json.dumps({"plain": plain, "stream": stream, "continued": continued, "followup": folded}))
elif scenario == "llm":
    # simonw's llm CLI with an OpenAI-compatible extra model pointing at serve.
    model_id, question = args
    home = os.environ["LLM_USER_PATH"]
    with open(os.path.join(home, "extra-openai-models.yaml"), "w") as f:
        f.write(f"- model_id: escalator-{model_id}\n  model_name: {model_id}\n  api_base: \"{base}/v1\"\n  api_key_name: escalator\n")
    with open(os.path.join(home, "keys.json"), "w") as f:
        json.dump({"escalator": KEY}, f)
    llm_bin = os.path.join(os.path.dirname(sys.executable), "llm")
    run = subprocess.run([llm_bin, "-m", f"escalator-{model_id}", "--no-stream", question], capture_output=True, text=True,
                         timeout=300)
    print(json.dumps({"status": run.returncode, "stdout": run.stdout, "stderr": run.stderr}))
elif scenario == "concurrent":
    # N clients at once; each asks its own question; the answers must be each client's own.
    count = int(args[0])
    model = args[1]
    barrier = threading.Barrier(count)
    results = [None] * count

    def client(i):
        question = f"Client {i}: name a colour."
        barrier.wait()
        try:
            raw = oa().chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": question}])
            completion = raw.parse()
            results[i] = {"status": 200, "question": question, "text": completion.choices[0].message.content,
                          "id": raw.headers.get("x-escalator-id")}
        except openai.APIStatusError as e:
            results[i] = {"status": e.status_code, "question": question, "retry_after": e.response.headers.get("retry-after"),
                          "body": e.body}

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(results))
elif scenario == "errors":
    c = oa()
    out = {
        "unknown_model": error_of(lambda: c.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "x"}])),
        "empty_messages": error_of(lambda: c.chat.completions.create(model="auto", messages=[])),
        "assistant_last": error_of(lambda: c.chat.completions.create(model="local", messages=[{"role": "assistant", "content": "x"}])),
        "anthropic_unknown_model": error_of(lambda: an().messages.create(model="claude-9", max_tokens=5,
                                                                         messages=[{"role": "user", "content": "x"}])),
        "bad_max_tier": error_of(lambda: c.chat.completions.create(model="auto", messages=[{"role": "user", "content": "x"}],
                                                                   extra_headers={"x-escalator-max-tier": "platinum"})),
        "malformed_json": raw_post("/v1/chat/completions", b"{not json"),
        "anthropic_malformed": raw_post("/v1/messages", b"[1, 2"),
        "oversized": raw_post("/v1/chat/completions", b'{"model": "local", "messages": [{"role": "user", "content": "'
                              + b"x" * (5 << 20) + b'"}]}'),
        "not_found": raw_post("/v2/nothing", b"{}"),
    }
    print(json.dumps(out))
elif scenario == "capped":
    # auto capped by the header: the policy may not go above the named tier.
    cap, question = args
    raw = oa().chat.completions.with_raw_response.create(model="auto", messages=[{"role": "user", "content": question}],
                                                         extra_headers={"x-escalator-max-tier": cap})
    print(json.dumps({"headers": escalator_headers(raw.headers), "escalator": (raw.parse().model_extra or {}).get("escalator")}))
elif scenario == "keys":
    model, question = args
    out = {"answer": error_of(lambda: oa().chat.completions.create(model=model, messages=[{"role": "user", "content": question}]))}
    print(json.dumps(out))
else:
    sys.exit(f"unknown scenario {scenario}")
