// Runs the README's DuckDB examples for readme_test.go: reads a JSON array
// of SQL statements on stdin, runs them in order in one in-memory DuckDB
// (the working directory is the folder holding data/), and prints one JSON
// line per statement: {"rows": N, "columns": [...], "first": [...]}. A
// statement that fails prints {"error": "...", "statement": I} and exits 1.
//
// @duckdb/node-api is loaded from $MLSYSSCRAPE_DUCKDB_NODE/node_modules,
// where .ci/run installs it with npm.
'use strict';
const path = require('path');

const dir = process.env.MLSYSSCRAPE_DUCKDB_NODE;
if (!dir) {
  console.log(JSON.stringify({ error: 'MLSYSSCRAPE_DUCKDB_NODE is not set' }));
  process.exit(2);
}
const { DuckDBInstance } = require(path.join(dir, 'node_modules', '@duckdb', 'node-api'));

function readStdin() {
  return new Promise((resolve, reject) => {
    let s = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => { s += c; });
    process.stdin.on('end', () => resolve(s));
    process.stdin.on('error', reject);
  });
}

(async () => {
  const statements = JSON.parse(await readStdin());
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (let i = 0; i < statements.length; i++) {
    let reader;
    try {
      reader = await conn.runAndReadAll(statements[i]);
    } catch (e) {
      console.log(JSON.stringify({ error: String(e && e.message ? e.message : e), statement: i }));
      process.exit(1);
    }
    const rows = reader.getRowsJson();
    console.log(JSON.stringify({ rows: rows.length, columns: reader.columnNames(), first: rows[0] ?? null }));
  }
})().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
});
