// Runs the SQL `fastpath rules sql` printed for each rule on DuckDB over a fastpath lake and
// prints "<rule file> <event id>" per event found: node lake_sql.mjs LAKE-FOLDER SQL-FILE...
// The table is the lake read with hive partitioning; macros stand in for the Trino functions
// the SQL uses, and three spellings are rewritten into DuckDB's: quoted JSONPath keys ($["k"] to
// $."k"); any_match(list, lambda) to list_bool_or(list_transform(list, lambda)); and the leaf
// values of a lax SQL/JSON path (json_query 'lax $."a"."b"[*]', which DuckDB lacks) to lax_step
// and lax_leaves macros that walk the same path, through arrays at any level.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [lake, ...files] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const columns = `{path: 'VARCHAR', time: 'VARCHAR', received: 'VARCHAR', id: 'VARCHAR', event: 'JSON'}`;
for (const s of [
  `CREATE SCHEMA fastpath`,
  `CREATE VIEW fastpath.events AS SELECT * FROM read_json('${lake}/*/*/*/*/*/*.json.gz',
     format = 'newline_delimited', hive_partitioning = true, hive_types_autocast = false,
     columns = ${columns})`,
  `CREATE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(json_extract(j, p)) IN
     ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN') THEN json_extract_string(j, p) END`,
  `CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)`,
  `CREATE MACRO json_array_contains(j, v) AS CASE WHEN json_type(j) = 'ARRAY'
     THEN list_contains(json_extract_string(j, '$[*]'), CAST(v AS VARCHAR)) ELSE FALSE END`,
  `CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
  `CREATE MACRO lax_step(acc, k) AS flatten(list_transform(acc, x -> CASE WHEN json_type(x) = 'ARRAY'
     THEN list_transform(CAST(x AS JSON[]), y -> json_extract(y, '$."' || k || '"'))
     ELSE [json_extract(x, '$."' || k || '"')] END))`,
  `CREATE MACRO lax_leaves(acc) AS list_transform(flatten(list_transform(acc, x ->
     CASE WHEN json_type(x) = 'ARRAY' THEN CAST(x AS JSON[]) ELSE [x] END)), v ->
     CASE WHEN json_type(v) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')
     THEN json_extract_string(v, '$') END)`,
]) await c.run(s);
// any_match(A, f) -> list_bool_or(list_transform(A, f)), parentheses matched outside literals.
function rewriteAnyMatch(sql) {
  let out = '';
  let i = 0;
  for (;;) {
    const at = sql.indexOf('any_match(', i);
    if (at < 0) return out + sql.slice(i);
    out += sql.slice(i, at) + 'list_bool_or(list_transform(';
    let depth = 1, j = at + 'any_match('.length, quoted = false;
    const start = j;
    for (; j < sql.length && depth > 0; j++) {
      const ch = sql[j];
      if (ch === "'") quoted = !quoted;
      else if (!quoted && ch === '(') depth++;
      else if (!quoted && ch === ')') depth--;
    }
    out += rewriteAnyMatch(sql.slice(start, j - 1)) + '))';
    i = j;
  }
}

// transform(CAST(json_parse(json_query(X, 'lax $."a"."b"[*]' WITH ARRAY WRAPPER)) AS ARRAY(JSON)),
// v -> json_extract_scalar(v, '$')) -> lax_leaves(lax_step(lax_step([CAST(X AS JSON)], 'a'), 'b'))
function rewriteLax(sql) {
  const re = /transform\(CAST\(json_parse\(json_query\((\w+), 'lax \$((?:\."(?:[^"\\]|\\.)*")*)\[\*\]' WITH ARRAY WRAPPER\)\) AS ARRAY\(JSON\)\), v -> json_extract_scalar\(v, '\$'\)\)/g;
  return sql.replace(re, (_, col, path) => {
    let e = `[CAST(${col} AS JSON)]`;
    for (const m of path.matchAll(/\."((?:[^"\\]|\\.)*)"/g)) {
      e = `lax_step(${e}, '${m[1].replace(/\\(.)/g, '$1').replaceAll("'", "''")}')`;
    }
    return `lax_leaves(${e})`;
  });
}

let failed = 0;
for (const f of files) {
  const sql0 = readFileSync(f, 'utf8').replace(/\$\["((?:[^"\\]|\\.)*)"\]/g, '$."$1"')
    .replace(/\["((?:[^"\\]|\\.)*)"\]/g, '."$1"');
  // A file of several rules holds one statement per rule; an event any of them finds is listed
  // once, as search lists it once.
  const ids = new Set();
  for (const stmt of sql0.split(/;\s*\n/).filter((x) => x.replace(/--[^\n]*/g, '').trim())) {
    const sql = rewriteAnyMatch(rewriteLax(stmt));
    try {
      const r = await c.runAndReadAll(sql);
      for (const row of r.getRowObjects()) ids.add(row.id);
    } catch (e) {
      failed++;
      console.error(`${f}: ${e.message.split('\n')[0]}`);
    }
  }
  for (const id of ids) console.log(`${basename(f, '.sql')} ${id}`);
}
process.exit(failed ? 1 : 0);
