// Reads PcfgLab's Parquet output with DuckDB, an independent implementation, and prints one JSON document.
//   node duckdb-check.mjs inspect 'DIR/*.parquet'   -> counts, token sums, element range, footer keys, column type
//   node duckdb-check.mjs write FILE                -> writes a list<BIGINT> file the way DuckDB does, for the reader
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, target] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const quoted = "'" + String(target).replaceAll("'", "''") + "'";

async function one(sql) {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

if (mode === 'inspect') {
  const [totals] = await one(
    `SELECT count(*) AS documents, sum(len(input_ids)) AS tokens, min(len(input_ids)) AS shortest, max(len(input_ids)) AS longest
     FROM read_parquet(${quoted})`);
  const [range] = await one(
    `SELECT min(t) AS min_token, max(t) AS max_token FROM (SELECT unnest(input_ids) AS t FROM read_parquet(${quoted}))`);
  const keys = await one(
    `SELECT DISTINCT decode(key) AS key FROM parquet_kv_metadata(${quoted}) ORDER BY key`);
  const [hf] = await one(
    `SELECT decode(value) AS value FROM parquet_kv_metadata(${quoted}) WHERE decode(key) = 'huggingface' LIMIT 1`);
  const [type] = await one(`SELECT typeof(input_ids) AS type FROM read_parquet(${quoted}) LIMIT 1`);
  const [first] = await one(`SELECT input_ids[1:5] AS head FROM read_parquet(${quoted}, filename = true) ORDER BY filename, file_row_number LIMIT 1`);
  console.log(JSON.stringify({
    documents: Number(totals.documents),
    tokens: Number(totals.tokens),
    shortest: Number(totals.shortest),
    longest: Number(totals.longest),
    minToken: Number(range.min_token),
    maxToken: Number(range.max_token),
    keys: keys.map(k => k.key),
    huggingface: hf.value,
    type: type.type,
    head: first.head.map(Number),
  }));
} else if (mode === 'write') {
  await connection.run(
    `COPY (SELECT i AS id, [i, i + 1, 3000000000 // 1000]::BIGINT[] AS tokens FROM range(5) t(i)) TO ${quoted} (FORMAT parquet)`);
  console.log(JSON.stringify({ written: target }));
} else {
  console.error('usage: node duckdb-check.mjs inspect GLOB | write FILE');
  process.exit(2);
}
