#!/usr/bin/env python3
"""Syslog listeners for the alert outputs' test: UDP (one message per datagram), TCP with
RFC 6587 octet counting ("LEN SP MSG") and TLS (RFC 5425, the same framing inside TLS, with
Python's ssl module on OpenSSL), each message appended as a line to OUTFILE.
usage: syslog.py UDP_PORT TCP_PORT TLS_PORT CERT KEY OUTFILE"""
import socket, socketserver, ssl, sys, threading

udp_port, tcp_port, tls_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
cert, key, outfile = sys.argv[4], sys.argv[5], sys.argv[6]
lock = threading.Lock()

def record(transport, msg):
    with lock, open(outfile, "a") as f:
        f.write(transport + " " + msg.replace("\n", "\\n") + "\n")

def frames(transport, data):
    while data:
        sp = data.index(b" ")
        n = int(data[:sp])
        record(transport, data[sp + 1:sp + 1 + n].decode("utf-8"))
        data = data[sp + 1 + n:]

class Tcp(socketserver.StreamRequestHandler):
    def handle(self):
        frames("tcp", self.rfile.read())

def tls():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", tls_port))
    srv.listen()
    while True:
        conn, _ = srv.accept()
        try:
            with ctx.wrap_socket(conn, server_side=True) as s:
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                frames("tls", data)
        except (ssl.SSLError, OSError) as e:
            record("tls-error", str(e))

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", udp_port))
    while True:
        data, _ = s.recvfrom(65536)
        record("udp", data.decode("utf-8"))

threading.Thread(target=udp, daemon=True).start()
threading.Thread(target=tls, daemon=True).start()
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", tcp_port), Tcp).serve_forever()
