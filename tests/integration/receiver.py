#!/usr/bin/env python3
"""A loopback HTTP receiver for the alert outputs' test: records every request (path, headers,
body) as a JSON line and answers as each provider documents:
  /webhook    200; checks X-Fastpath-Signature against SECRET (recorded as "signature_ok")
  /slack      200 "ok"          /teams  200
  /pagerduty  202 {"status":"success","dedup_key":...}; one incident per dedup_key
  /opsgenie   202 {"result":"Request will be processed",...}; one alert per alias
  /flaky      503 twice, then 200
  /reject     400
  /slow       200 after two seconds
  /           (Firehose API) PutRecordBatch -> {"FailedPutCount":0,...}
usage: receiver.py PORT OUTFILE SECRET"""
import hashlib, hmac, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, outfile, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
lock = threading.Lock()
counts = {}
incidents = set()

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender was killed mid-request (the crash test does that on purpose)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        path = self.path
        rec = {"path": path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with lock:
            counts[path] = counts.get(path, 0) + 1
            n = counts[path]
        if path == "/webhook":
            ts = self.headers.get("X-Fastpath-Timestamp", "")
            want = "sha256=" + hmac.new(secret, (ts + "." + body).encode(), hashlib.sha256).hexdigest()
            rec["signature_ok"] = hmac.compare_digest(want, self.headers.get("X-Fastpath-Signature", ""))
        if path == "/slow":
            time.sleep(2)
        if path in ("/pagerduty", "/opsgenie", "/slow"):
            key = json.loads(body).get("dedup_key") or json.loads(body).get("alias") or self.headers.get("Idempotency-Key")
            with lock:
                rec["new_incident"] = (path, key) not in incidents
                incidents.add((path, key))
        with lock:
            with open(outfile, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if path == "/flaky" and n <= 2:
            return self.reply(503, '{"error":"try later"}')
        if path == "/reject":
            return self.reply(400, '{"error":"bad request"}')
        if path == "/pagerduty":
            return self.reply(202, json.dumps({"status": "success", "message": "Event processed",
                                               "dedup_key": json.loads(body)["dedup_key"]}))
        if path == "/opsgenie":
            return self.reply(202, '{"result":"Request will be processed","took":0.01,"requestId":"r"}')
        if path == "/slack":
            return self.reply(200, "ok", "text/plain")
        if path == "/":
            n_records = len(json.loads(body).get("Records", []))
            return self.reply(200, json.dumps({"FailedPutCount": 0, "Encrypted": False,
                                               "RequestResponses": [{"RecordId": "r%d" % i} for i in range(n_records)]}),
                              "application/x-amz-json-1.1")
        return self.reply(200, "{}")

ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
