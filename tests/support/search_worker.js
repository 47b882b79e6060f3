// Runs Material for MkDocs' own search worker (from a built site) under Node,
// so tests query the built search index exactly as the browser would.
// Usage: node search_worker.js SITE_DIR < queries.json  → prints results as JSON.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const siteDir = process.argv[2];
const workersDir = path.join(siteDir, "assets", "javascripts", "workers");
const workerFile = fs.readdirSync(workersDir).find(name => /^search\..*\.min\.js$/.test(name));
const index = JSON.parse(fs.readFileSync(path.join(siteDir, "search", "search_index.json"), "utf8"));
const queries = JSON.parse(fs.readFileSync(0, "utf8"));

const SETUP = 0, QUERY = 2;
let listener = null;
const replies = [];
const sandbox = {
  console: { warn: () => {}, log: () => {}, error: console.error },
  addEventListener: (type, handler) => { if (type === "message") listener = handler; },
  postMessage: message => replies.push(message),
  setTimeout, clearTimeout, Promise,
};
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(path.join(workersDir, workerFile), "utf8"), sandbox);

async function ask(message) {
  const before = replies.length;
  await listener({ data: message });
  while (replies.length === before) await new Promise(resolve => setTimeout(resolve, 1));
  return replies[replies.length - 1];
}

(async () => {
  await ask({ type: SETUP, data: { config: index.config, docs: index.docs, options: {} } });
  const results = {};
  for (const query of queries) {
    const reply = await ask({ type: QUERY, data: query });
    // Each item is one page's group of matching sections, best first; [0] is the page itself when it matched.
    results[query] = reply.data.items.map(group => group.map(hit => ({ location: hit.location, score: hit.score })));
  }
  process.stdout.write(JSON.stringify(results));
})().catch(error => { console.error(error); process.exit(1); });
