"""A stand-in change feed for the client benchmark: serves /v1/health and /v1/changes with N visits across S
subjects written by one other replica, so `mimamori sync` fills a client database through its real pull path.
Not the real server (that is mimamori-server); push is accepted and acknowledged without storing."""
import json, sys, http.server, urllib.parse, datetime

N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
S = int(sys.argv[3]) if len(sys.argv) > 3 else 500
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 59996
REPLICA = "0193b000-0000-7000-8000-000000000001"
KINDS = ["fureai_watch", "fureai_watch", "minsei_watch", "kyoryokuin_watch", "outreach"]
METHODS = ["home_visit", "home_visit", "phone", "accompanied"]
OUTCOMES = ["safety_confirmed", "safety_confirmed", "not_at_home", "declined"]
start = datetime.date(2025, 4, 1)

def doc(seq):
    # documents 1..S are subjects, S+1..S+N visits; counter = seq
    if seq <= S:
        sid = f"S-{seq:04d}"
        payload = {"type": "subject", "subject": {"id": sid, "name": f"訪問先{seq}", "district": f"d{seq % 46}",
                                                  "cadenceDays": 30}}
        did = sid
    else:
        i = seq - S
        did = f"0193b000-{i // 65536:04x}-7{i % 4096:03x}-8000-{i:012x}"
        sub = (i % S) + 1
        kind = KINDS[i % len(KINDS)]
        v = {"id": did, "kind": kind, "method": METHODS[i % 4], "date": str(start + datetime.timedelta(days=i % 365)),
             "visitorId": "V-BENCH", "visitorRole": "fureai_member", "subjectId": f"S-{sub:04d}",
             "district": f"d{sub % 46}", "outcome": OUTCOMES[i % 4]}
        if kind == "kyoryokuin_watch":
            v["assistsMinseiId"] = "M-1"
        payload = {"type": "visit", "visit": v}
    version = {"documentId": did, "payload": payload, "deleted": False, "vector": {REPLICA: seq},
               "dot": {"replica": REPLICA, "counter": seq}, "author": "V-BENCH", "writtenAt": "2025-04-01T00:00:00.000Z"}
    return {"sequence": seq, "documentId": did, "type": payload["type"], "versions": [version]}

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/v1/health":
            return self.reply({"status": "ok", "epoch": "bench"})
        since, limit = int(q["since"][0]), int(q["limit"][0])
        last = min(S + N, since + limit)
        self.reply({"epoch": "bench", "changes": [doc(s) for s in range(since + 1, last + 1)], "nextSince": last,
                    "hasMore": last < S + N})
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.reply({"batchId": body["batchId"], "epoch": "bench",
                    "results": [{"documentId": v["documentId"], "dot": v["dot"], "outcome": "new"} for v in body["versions"]]})

http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
