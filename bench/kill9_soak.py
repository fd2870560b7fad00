#!/usr/bin/env python3
"""kill -9 soak: `fastpath run` under steady load is killed with SIGKILL at random moments and
started again, on each delivery path, and what came out is checked against what went in.

  python3 bench/kill9_soak.py [--path firehose|s3sqs|kinesis|all] [--kills 20] [--seed N]
                              [--fastpath build/release/fastpath] [--no-dedupe-state]
                              [--kinesis-checkpoint 0s]

  firehose  one daemon with a Firehose receiver; senders retry a request (same request id) until
            it is answered 200, as Firehose does. Acknowledged: answered 200.
  s3sqs     one daemon reading S3 notifications from SQS (fauxqs); objects are put with the aws
            CLI and announced on the queue. Acknowledged: the message deleted (the queue ends
            empty).
  kinesis   two daemons sharing a 4-shard stream through the lease table (kinesalite, dynalite),
            one of them killed each time. Acknowledged: put (every record ends up read).

Every 25th event is a StopLogging call, which the bundled rules alert on. The figures: events
acknowledged, missing from the events output(s), emitted more than once, alerts, alerts written
more than once. Exit status 1 when anything is missing or doubled. Not a test (it takes minutes
and its figures depend on the machine); the servers come from tests/integration/node_modules.
"""
import argparse
import base64
import gzip
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IT = os.path.join(REPO, "tests", "integration")
AWS = "/usr/bin/aws" if os.path.exists("/usr/bin/aws") else shutil.which("aws")
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="soak", AWS_SECRET_ACCESS_KEY="soak-secret",
           AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", AWS_PAGER="",
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
           AWS_EC2_METADATA_DISABLED="true", NODE_NO_WARNINGS="1", SOAK_KEY="soak-key")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(what, seconds, fn):
    end = time.time() + seconds
    while time.time() < end:
        if fn():
            return
        time.sleep(0.1)
    raise SystemExit("timed out waiting for " + what)


class Events:
    """CloudTrail records with fresh eventIDs; every 25th a StopLogging call."""

    def __init__(self):
        self.n = 0
        self.lock = threading.Lock()

    def make(self, count):
        out = []
        with self.lock:
            for _ in range(count):
                self.n += 1
                stop = self.n % 25 == 0
                out.append({
                    "eventVersion": "1.09", "eventID": str(uuid.uuid4()),
                    "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "eventType": "AwsApiCall",
                    "eventSource": "cloudtrail.amazonaws.com" if stop else "s3.amazonaws.com",
                    "eventName": "StopLogging" if stop else "GetObject",
                    "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
                    "userAgent": "aws-cli/2",
                    "userIdentity": {"type": "IAMUser", "accountId": "111122223333",
                                     "arn": "arn:aws:iam::111122223333:user/soak",
                                     "principalId": "AIDASOAK"},
                    "requestParameters": {"name": "org-trail-%d" % self.n},
                    "responseElements": None, "requestID": "req-%d" % self.n,
                    "readOnly": False, "recipientAccountId": "111122223333"})
        return out


def eventbridge(record):
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
            "source": "aws." + record["eventSource"].split(".")[0], "account": "111122223333",
            "time": record["eventTime"], "region": "us-east-1", "resources": [],
            "detail": record}


class Daemon:
    def __init__(self, work, name, config):
        self.work, self.name, self.config = work, name, config
        self.log = os.path.join(work, name + ".log")
        self.proc = None
        self.starts = 0

    def start(self):
        before = self._started_lines()
        with open(self.log, "a") as err, open(os.path.join(self.work, self.name + ".out"), "a") as out:
            self.proc = subprocess.Popen([ARGS.fastpath, "run", "--config", self.config],
                                         stdout=out, stderr=err, env=ENV)
        wait_until(self.name + " to start", 60, lambda: self._started_lines() > before)
        self.starts += 1

    def _started_lines(self):
        if not os.path.exists(self.log):
            return 0
        with open(self.log, errors="replace") as f:
            return sum(1 for line in f if '"msg":"started"' in line)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        if self.proc.wait(timeout=60) != 0:
            raise SystemExit(self.name + " exited with %d after SIGTERM" % self.proc.returncode)


def ids_in(paths, field):
    counts = {}
    for p in paths:
        if not os.path.exists(p):
            continue
        with open(p, errors="replace") as f:
            for line in f:
                try:
                    v = json.loads(line)[field]
                except (ValueError, KeyError):
                    continue
                counts[v] = counts.get(v, 0) + 1
    return counts


def killer(daemons, kills, rng, done):
    for _ in range(kills):
        time.sleep(rng.uniform(0.5, 3.0))
        d = rng.choice(daemons)
        d.kill9()
        time.sleep(rng.uniform(0.0, 0.5))
        d.start()
    done.set()


def report(path, acked, outputs, alert_files, kills):
    emitted = ids_in(outputs, "id")
    alerts = ids_in(alert_files, "alert_id")
    missing = [i for i in acked if i not in emitted]
    twice = sum(1 for c in emitted.values() if c > 1)
    r = {"path": path, "kills": kills, "acknowledged_events": len(acked),
         "events_out": sum(emitted.values()), "missing": len(missing), "emitted_twice": twice,
         "alerts": len(alerts), "alerts_twice": sum(1 for c in alerts.values() if c > 1)}
    print(json.dumps(r), flush=True)
    return r["missing"] == 0 and r["emitted_twice"] == 0 and r["alerts_twice"] == 0


def base_config(work, name, sources, extra="", claims=False):
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as f:
        f.write(f"""state_dir: {work}/{name}-state
rules: {REPO}/rules
events:
  output: {work}/{name}.events.ndjson
alerts:
  output: {work}/{name}.alerts.ndjson
{"  claim_table: fastpath-soak-claims" + chr(10) if claims else ""}{extra}{DEDUPE}http:
  listen: 127.0.0.1:0
sources:
{sources}""")
    return path


def soak_firehose(work, rng):
    port = free_port()
    cfg = base_config(work, "fh", f"""  - name: firehose
    type: firehose
    listen: 127.0.0.1:{port}
    access_key_env: SOAK_KEY
""")
    d = Daemon(work, "fh", cfg)
    d.start()
    events, acked, stop = Events(), [], threading.Event()
    lock = threading.Lock()

    def sender():
        while not stop.is_set():
            records = events.make(20)
            rid = str(uuid.uuid4())
            body = json.dumps({"requestId": rid, "timestamp": int(time.time() * 1000), "records": [
                {"data": base64.b64encode(json.dumps(eventbridge(r)).encode()).decode()}
                for r in records]}).encode()
            while True:  # as Firehose: the same request again until it is answered 200
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", data=body, method="POST",
                    headers={"Content-Type": "application/json", "X-Amz-Firehose-Request-Id": rid,
                             "X-Amz-Firehose-Access-Key": "soak-key"})
                try:
                    with urllib.request.urlopen(req, timeout=10) as resp:
                        if resp.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.2)
            with lock:
                acked.extend(r["eventID"] for r in records)
            time.sleep(0.05)

    senders = [threading.Thread(target=sender) for _ in range(3)]
    for t in senders:
        t.start()
    done = threading.Event()
    killer([d], ARGS.kills, rng, done)
    time.sleep(1)
    stop.set()
    for t in senders:
        t.join()
    d.stop()
    return report("firehose", acked, [f"{work}/fh.events.ndjson"], [f"{work}/fh.alerts.ndjson"],
                  ARGS.kills)


def node_server(work, name, args, **env):
    log = open(os.path.join(work, name + ".server.log"), "w")
    return subprocess.Popen(["node"] + args, stdout=log, stderr=log, env=dict(ENV, **env))


def soak_s3sqs(work, rng):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    SERVERS.append(node_server(work, "fauxqs", [os.path.join(IT, "node_modules/fauxqs/dist/cli.js")],
                               FAUXQS_PORT=str(port), FAUXQS_LOGGER="false",
                               FAUXQS_HOST="127.0.0.1"))

    def up():
        try:
            urllib.request.urlopen(endpoint + "/health", timeout=1)
            return True
        except OSError:
            return False

    wait_until("fauxqs", 20, up)
    sqs = lambda *a: subprocess.run(["node", os.path.join(IT, "sqs.mjs"), endpoint] + list(a),
                                    check=True, capture_output=True, text=True, env=ENV).stdout.strip()
    subprocess.run([AWS, "--endpoint-url", endpoint, "s3", "mb", "s3://trail"], check=True,
                   capture_output=True, env=ENV)
    qurl = sqs("create-queue", "soak", "5")
    cfg = base_config(work, "s3", f"""  - name: s3
    type: s3_sqs
    queue_url: {qurl}
    wait_time: 1s
    visibility_timeout: 5s
""", extra=f"""aws:
  endpoint_url: {endpoint}
""")
    d = Daemon(work, "s3", cfg)
    d.start()
    events, acked, stop = Events(), [], threading.Event()

    def putter():
        n = 0
        while not stop.is_set():
            records = events.make(200)
            n += 1
            key = f"AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/soak_{n}.json.gz"
            local = os.path.join(work, "obj.json.gz")
            with gzip.open(local, "wt") as f:
                json.dump({"Records": records}, f)
            subprocess.run([AWS, "--endpoint-url", endpoint, "s3", "cp", "--quiet", local,
                            "s3://trail/" + key], check=True, env=ENV)
            note = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                                 "awsRegion": "us-east-1", "eventName": "ObjectCreated:Put",
                                 "s3": {"bucket": {"name": "trail"},
                                        "object": {"key": key, "size": os.path.getsize(local)}}}]}
            sqs("send", qurl, json.dumps(note))
            acked.extend(r["eventID"] for r in records)

    t = threading.Thread(target=putter)
    t.start()
    done = threading.Event()
    killer([d], ARGS.kills, rng, done)
    stop.set()
    t.join()
    wait_until("the queue to drain", 120, lambda: sqs("depth", qurl) == "0")
    time.sleep(1)
    d.stop()
    return report("s3sqs", acked, [f"{work}/s3.events.ndjson"], [f"{work}/s3.alerts.ndjson"],
                  ARGS.kills)


def soak_kinesis(work, rng):
    kport, dport = free_port(), free_port()
    SERVERS.append(node_server(work, "kinesalite", [
        os.path.join(IT, "node_modules/kinesalite/cli.js"), "--port", str(kport),
        "--createStreamMs", "0", "--shardLimit", "100"]))
    SERVERS.append(node_server(work, "dynalite", [
        os.path.join(IT, "node_modules/dynalite/cli.js"), "--port", str(dport),
        "--createTableMs", "0", "--updateTableMs", "0"]))
    kin = lambda *a: subprocess.run([AWS, "--endpoint-url", f"http://127.0.0.1:{kport}", "kinesis"]
                                    + list(a), capture_output=True, text=True, env=ENV)
    wait_until("kinesalite", 20, lambda: kin("list-streams").returncode == 0)
    kin("create-stream", "--stream-name", "security", "--shard-count", "4")
    wait_until("the stream", 20, lambda: "ACTIVE" in kin(
        "describe-stream-summary", "--stream-name", "security").stdout)
    daemons = []
    for name in ("a", "b"):
        cfg = base_config(work, name, f"""  - name: fast
    type: kinesis
    stream: security
    application: fastpath-soak
    worker_id: {name}
    failover_time: 4s
    poll_interval: 250ms
    shard_sync: 2s
    checkpoint_interval: {ARGS.kinesis_checkpoint}
""", extra=f"""aws:
  endpoints:
    kinesis: http://127.0.0.1:{kport}
    dynamodb: http://127.0.0.1:{dport}
""", claims=True)
        daemons.append(Daemon(work, name, cfg))
    for d in daemons:
        d.start()
    events, acked, stop = Events(), [], threading.Event()
    v1 = "--cli-binary-format" not in subprocess.run([AWS, "kinesis", "put-records", "help"],
                                                     capture_output=True, text=True, env=ENV).stdout

    def putter():
        while not stop.is_set():
            records = events.make(200)
            recs = [{"Data": json.dumps(eventbridge(r)), "PartitionKey": r["eventID"]}
                    for r in records]
            path = os.path.join(work, "put.json")
            with open(path, "w") as f:
                json.dump(recs, f)
            extra = [] if v1 else ["--cli-binary-format", "raw-in-base64-out"]
            out = kin("put-records", *extra, "--stream-name", "security", "--records",
                      "file://" + path, "--query", "FailedRecordCount", "--output", "text")
            if out.returncode == 0 and out.stdout.strip() == "0":
                acked.extend(r["eventID"] for r in records)
            time.sleep(0.2)

    t = threading.Thread(target=putter)
    t.start()
    done = threading.Event()
    killer(daemons, ARGS.kills, rng, done)
    stop.set()
    t.join()
    outputs = [f"{work}/{n}.events.ndjson" for n in ("a", "b")]
    want = set(acked)
    wait_until("every record read", 180,
               lambda: want <= set(ids_in(outputs, "id")))
    time.sleep(3)  # anything read twice would be out by now
    for d in daemons:
        d.stop()
    return report("kinesis", acked, outputs, [f"{work}/{n}.alerts.ndjson" for n in ("a", "b")],
                  ARGS.kills)


SERVERS = []
DEDUPE = ""


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--path", default="all", choices=["all", "firehose", "s3sqs", "kinesis"])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--fastpath", default=os.path.join(REPO, "build/release/fastpath"))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--kinesis-checkpoint", default="0s",
                    help="the Kinesis sources' checkpoint_interval (default 0s: every batch)")
    ap.add_argument("--no-dedupe-state", action="store_true",
                    help="run the daemons with dedupe.persist: false, for comparison")
    ARGS = ap.parse_args()
    global DEDUPE
    DEDUPE = "dedupe:\n  persist: false\n" if ARGS.no_dedupe_state else ""
    if not os.path.isdir(os.path.join(IT, "node_modules", "fauxqs")) or AWS is None:
        print("the servers or the aws CLI are missing: bash tools/setup.sh")
        return 77
    rng = random.Random(ARGS.seed)
    print(f"seed {ARGS.seed}", flush=True)
    work = tempfile.mkdtemp(prefix="fastpath-soak.")
    ok = True
    try:
        for path in (["firehose", "s3sqs", "kinesis"] if ARGS.path == "all" else [ARGS.path]):
            sub = os.path.join(work, path)
            os.makedirs(sub)
            ok &= {"firehose": soak_firehose, "s3sqs": soak_s3sqs,
                   "kinesis": soak_kinesis}[path](sub, rng)
    finally:
        for s in SERVERS:
            s.kill()
        if ARGS.keep:
            print("work folder: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
