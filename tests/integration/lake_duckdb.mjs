// Reads a fastpath lake with DuckDB (an independent engine), hive partitioning on, and prints
// per partition the number of events and a digest of their canonical columns, as JSON:
// node lake_duckdb.mjs LAKE-FOLDER
import { DuckDBInstance } from '@duckdb/node-api';

const lake = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
// The record stays JSON (its keys differ by case between services, which DuckDB's struct
// detection refuses); the partition columns come from the folder names.
const columns = `{path: 'VARCHAR', time: 'VARCHAR', received: 'VARCHAR', id: 'VARCHAR', event: 'JSON'}`;
const reader = await c.runAndReadAll(`
  SELECT log_type, account, region, dt, hour, count(*) AS n,
         string_agg(id || '|' || path || '|' || time, ',' ORDER BY id, path, time) AS rows
  FROM read_json('${lake}/*/*/*/*/*/*.json.gz', format = 'newline_delimited',
                 hive_partitioning = true, hive_types_autocast = false, columns = ${columns})
  GROUP BY ALL ORDER BY ALL`);
const out = {};
for (const r of reader.getRowObjects()) {
  const key = `log_type=${r.log_type}/account=${r.account}/region=${r.region}/dt=${r.dt}/hour=${r.hour}`;
  out[key] = { n: Number(r.n), rows: r.rows };
}
console.log(JSON.stringify(out));
