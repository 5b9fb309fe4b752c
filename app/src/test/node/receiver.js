// A webhook receiver for Tollgate's tests. Listens on 127.0.0.1 (a free port, printed as "RECEIVER READY <port>"),
// verifies every POST with the Standard Webhooks library against the secrets set for its path, records it, and
// answers as told for that path.
//   POST /control/secrets?path=P  {"secrets": ["whsec_..."]}      secrets to verify P's deliveries with
//   POST /control/mode?path=P     {"status": 200, "delay_ms": 0, "location": null}
//   GET  /control/received?path=P                                 every delivery to P, oldest first
"use strict";
const http = require("http");
const { Webhook } = require("standardwebhooks");

const secrets = new Map();
const modes = new Map();
const received = new Map();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function verify(path, body, headers) {
  const errors = [];
  for (const secret of secrets.get(path) || []) {
    try {
      return { verified: true, payload: new Webhook(secret).verify(body, headers) };
    } catch (e) {
      errors.push(e.message);
    }
  }
  return { verified: false, error: errors.join("; ") || "no secret set for " + path };
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const path = url.searchParams.get("path");
  const body = await readBody(req);
  if (url.pathname === "/control/secrets") {
    secrets.set(path, JSON.parse(body).secrets);
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === "/control/mode") {
    modes.set(path, JSON.parse(body));
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === "/control/received") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(path) || []));
    return;
  }
  const check = verify(url.pathname, body, req.headers);
  const mode = modes.get(url.pathname) || { status: 200 };
  const entry = {
    id: req.headers["webhook-id"],
    timestamp: req.headers["webhook-timestamp"],
    signature: req.headers["webhook-signature"],
    verified: check.verified,
    error: check.error || null,
    payload: check.payload || null,
    body: body,
    answered: check.verified ? mode.status : 401,
    at: Date.now(),
  };
  if (!received.has(url.pathname)) {
    received.set(url.pathname, []);
  }
  received.get(url.pathname).push(entry);
  const answer = () => {
    if (!check.verified) {
      res.writeHead(401).end("signature not verified: " + check.error);
    } else if (mode.location) {
      res.writeHead(mode.status, { location: mode.location }).end();
    } else {
      res.writeHead(mode.status, { "content-type": "text/plain" }).end(mode.body || "ok");
    }
  };
  if (mode.delay_ms) {
    setTimeout(answer, mode.delay_ms);
  } else {
    answer();
  }
});

server.listen(0, "127.0.0.1", () => {
  console.log("RECEIVER READY " + server.address().port);
});
// Ends with the test JVM: it closes our stdin.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
