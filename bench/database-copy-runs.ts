import { createReadStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandWorks, createMysqlBenchDb, createPostgresBenchDb, MYSQL_HOST } from './bench-databases.js';
import type { DatabaseBenchOptions } from './database-copy.js';
import { againstParts, partLine, singerCli, timedPart } from './database-copy-parts.js';
import { type Measured, printResults, ratioLine } from './database-copy-report.js';
import { realPairDirectory, timeRealPair } from './real-singer-pair.js';
import { formatPhases, runSinewJob } from './sinew-job-run.js';
import { type SinewServer, startSinewServer } from './sinew-server.js';
import { emptyDir, makeTempDir } from './temp-dir.js';
import { runTimedShell, shellWord as sh, writeJson } from './timed-process.js';

const timeoutFor = (rows: number): number => 300_000 + rows * 0.5;
/** Debian's interpreter, where python3-psycopg2 lives (a pyenv python3 first on PATH would not have it). */
const SYSTEM_PYTHON = '/usr/bin/python3';
const pythonScript = (file: string): string => fileURLToPath(new URL(`./python-singer/${file}`, import.meta.url));

const server = (): Promise<SinewServer> =>
  // The databases are on loopback: the operator's flag lets the built-in connectors reach them.
  startSinewServer({ env: { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' } });

/** Runs a v1-source flow's job in both modes, `repeat` times, then once each at `flatTo` rows if asked. */
async function sinewRuns(
  s: SinewServer,
  flow: { flowId: string; tenant: string; targetDir: string },
  rows: number,
  repeat: number,
  before: () => Promise<void>,
  check: () => Promise<void>,
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const streaming of [false, true]) {
    const m: Measured = { name: streaming ? 'sinew streaming' : 'sinew phased', seconds: [], rows, memoryMiB: [] };
    for (let i = 0; i < repeat; i++) {
      await before();
      const job = await runSinewJob(s, flow, { streaming, timeoutMs: timeoutFor(rows) });
      if (job.records !== rows) throw new Error(`${m.name}: the job carried ${job.records} records, not ${rows}`);
      await check();
      m.seconds.push(job.seconds);
      m.memoryMiB!.push(job.memoryMiB);
      m.note = formatPhases(job.phases);
    }
    out.push(m);
  }
  return out;
}

export async function postgresToPostgres(o: DatabaseBenchOptions): Promise<void> {
  for (const rows of [o.rows, ...(o.flatTo ? [o.flatTo] : [])]) {
    const db = await createPostgresBenchDb(rows);
    const work = await makeTempDir('pg-copy');
    const s = await server();
    try {
      const expected = await db.fingerprint('src');
      const measured: Measured[] = [];
      const baselineRuns = rows === o.rows ? o.repeat : 0;
      const psql: Measured = { name: 'psql \\copy pipe', seconds: [], rows };
      for (let i = 0; i < baselineRuns; i++) {
        await db.createItems('psql');
        const out = `psql -qX -d ${sh(db.url)} -c ${sh('\\copy (select * from src.items) to stdout')}`;
        const into = `psql -qX -d ${sh(db.url)} -c ${sh('\\copy psql.items from stdin')}`;
        psql.seconds.push((await runTimedShell(`${out} | ${into}`, { cwd: work.path, timeoutMs: timeoutFor(rows) })).seconds);
        if ((await db.fingerprint('psql')) !== expected) throw new Error('the psql pipe did not copy the table exactly');
      }
      if (baselineRuns > 0) measured.push(psql);

      const python: Measured = { name: 'python singer pair', seconds: [], rows, note: 'tap | target, psycopg2' };
      const hasPython = baselineRuns > 0 && commandWorks(SYSTEM_PYTHON, ['-c', 'import psycopg2']);
      for (let i = 0; hasPython && i < baselineRuns; i++) {
        await db.createItems('py');
        const tapConfig = path.join(work.path, 'tap.json');
        const targetConfig = path.join(work.path, 'target.json');
        await writeJson(tapConfig, { dsn: db.url, schema: 'src', table: 'items' });
        await writeJson(targetConfig, { dsn: db.url, schema: 'py', batch_size: 100000 });
        const tap = `${SYSTEM_PYTHON} ${sh(pythonScript('tap_postgres_rows.py'))} --config ${sh(tapConfig)}`;
        const target = `${SYSTEM_PYTHON} ${sh(pythonScript('target_postgres_rows.py'))} --config ${sh(targetConfig)}`;
        python.seconds.push((await runTimedShell(`${tap} | ${target}`, { cwd: work.path, timeoutMs: timeoutFor(rows) * 4 })).seconds);
        // Its CSV carries the decimals' text, so the table should be the source's: checked like Sinew's.
        const got = await db.fingerprint('py');
        if (got !== expected) throw new Error(`the python singer pair did not copy the table exactly: ${got}, expected ${expected}`);
      }
      if (hasPython) measured.push(python);
      const realPair = realPairDirectory();
      const real = realPair && baselineRuns > 0 ? await timeRealPair(realPair, db, rows, baselineRuns, work.path, timeoutFor(rows)) : null;
      if (real) measured.push(real);

      // The halves alone, against files: psql's, then Sinew's built-in tap and target as Singer programs.
      const parts: Measured[] = [];
      if (baselineRuns > 0) {
        const copyFile = path.join(work.path, 'items.copy');
        const singerFile = path.join(work.path, 'items.singer');
        const tapConfig = path.join(work.path, 'sinew-tap.json');
        const targetConfig = path.join(work.path, 'sinew-target.json');
        await writeJson(tapConfig, { connection_string: db.url, schema: 'src' });
        await writeJson(targetConfig, { connection_string: db.url, schema: 'parts' });
        const opts = { cwd: work.path, timeoutMs: timeoutFor(rows) };
        const psql = `psql -qX -d ${sh(db.url)} -c`;
        parts.push(
          await timedPart(
            'psql \\copy out > file',
            rows,
            baselineRuns,
            `${psql} ${sh('\\copy (select * from src.items) to stdout')} > ${sh(copyFile)}`,
            opts,
          ),
          await timedPart(
            'psql \\copy in < file',
            rows,
            baselineRuns,
            `${psql} ${sh('\\copy psqlin.items from stdin')} < ${sh(copyFile)}`,
            {
              ...opts,
              before: () => db.createItems('psqlin'),
            },
          ),
          await timedPart('sinew tap > file', rows, baselineRuns, `${singerCli('tap', 'postgres', tapConfig)} > ${sh(singerFile)}`, opts),
          await timedPart(
            'sinew target < file',
            rows,
            baselineRuns,
            `${singerCli('target', 'postgres', targetConfig)} < ${sh(singerFile)}`,
            {
              ...opts,
              before: async () => {
                await db.client.query('drop schema if exists parts cascade');
              },
              check: async () => {
                if ((await db.fingerprint('parts')) !== expected) throw new Error('sinew target < file did not copy the table exactly');
              },
            },
          ),
        );
        measured.push(...parts);
      }

      await s.api('PUT', `/${s.envId}/flows/pg-to-pg`, {
        name: 'postgres to postgres',
        type: 'v1-source',
        connectors: ['postgres'],
        target: { connector: 'postgres', config: { connection_string: db.url, schema: 'dst' } },
      });
      await s.api('POST', `/${s.envId}/pg-to-pg/bench/linkedSources`, {
        source: { tap: 'postgres', config: { connection_string: db.url, schema: 'src' } },
      });
      const flow = { flowId: 'pg-to-pg', tenant: 'bench', targetDir: work.path };
      const sinew = await sinewRuns(
        s,
        flow,
        rows,
        rows === o.rows ? o.repeat : 1,
        async () => {
          await db.client.query('drop schema if exists dst cascade');
        },
        async () => {
          const got = await db.fingerprint('dst');
          if (got !== expected) throw new Error(`the destination is not the source: ${got}, expected ${expected}`);
        },
      );
      measured.push(...sinew);
      const ratios: string[] = [];
      for (const m of sinew) {
        if (baselineRuns > 0) ratios.push(ratioLine(m, psql, 0.5));
        if (hasPython) ratios.push(ratioLine(m, python, 10));
        if (real) ratios.push(ratioLine(m, real, 10));
      }
      if (!real && baselineRuns > 0)
        ratios.push('real python pair: not run (set SINEW_BENCH_REAL_PAIR to a directory with bin/tap-postgres and bin/target-postgres)');
      if (!hasPython && baselineRuns > 0)
        ratios.push(`python singer pair: skipped (${SYSTEM_PYTHON} has no psycopg2: apt-get install python3-psycopg2)`);
      const [psqlOut, psqlIn, sinewTap, sinewTarget] = parts;
      if (psqlOut && psqlIn && sinewTap && sinewTarget) {
        ratios.push(partLine(sinewTap, psqlOut), partLine(sinewTarget, psqlIn));
        for (const m of sinew) ratios.push(againstParts(m, sinewTap, sinewTarget));
      }
      printResults(`postgres → postgres, ${rows.toLocaleString('en-US')} rows (source = destination: ${expected})`, measured, ratios);
    } finally {
      await s.stop();
      await work.remove();
      await db.drop();
    }
  }
}

/** Lines of every file in a directory (the jsonl target's output), counted as the bytes stream by (5M rows make a file too big for one string). */
async function lineCount(dir: string): Promise<number> {
  let n = 0;
  for (const file of await readdir(dir)) {
    for await (const chunk of createReadStream(path.join(dir, file)) as AsyncIterable<Buffer>)
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) n++;
  }
  return n;
}

export async function mysqlToJsonl(o: DatabaseBenchOptions): Promise<void> {
  if (!commandWorks('mysql', ['--version'])) {
    process.stdout.write('\n## mysql → jsonl: skipped (no mysql client)\n');
    return;
  }
  for (const rows of [o.rows, ...(o.flatTo ? [o.flatTo] : [])]) {
    const db = await createMysqlBenchDb(rows);
    const work = await makeTempDir('mysql-copy');
    const s = await server();
    try {
      const measured: Measured[] = [];
      const baselineRuns = rows === o.rows ? o.repeat : 0;
      const client: Measured = { name: 'mysql --batch --quick > file', seconds: [], rows };
      for (let i = 0; i < baselineRuns; i++) {
        const file = path.join(work.path, 'items.tsv');
        const cmd = `mysql --batch --quick -h ${sh(MYSQL_HOST)} -u root ${sh(db.database)} -e ${sh('select * from items')} > ${sh(file)}`;
        client.seconds.push((await runTimedShell(cmd, { cwd: work.path, timeoutMs: timeoutFor(rows) })).seconds);
      }
      if (baselineRuns > 0) measured.push(client);
      const parts: Measured[] = [];
      const jsonlParts = path.join(work.path, 'jsonl-parts');
      if (baselineRuns > 0) {
        const singerFile = path.join(work.path, 'items.singer');
        const tapConfig = path.join(work.path, 'sinew-tap.json');
        const targetConfig = path.join(work.path, 'sinew-target.json');
        await mkdir(jsonlParts);
        await writeJson(tapConfig, { host: MYSQL_HOST, user: 'root', database: db.database });
        await writeJson(targetConfig, { path: jsonlParts });
        const opts = { cwd: work.path, timeoutMs: timeoutFor(rows) };
        parts.push(
          await timedPart('sinew tap > file', rows, baselineRuns, `${singerCli('tap', 'mysql', tapConfig)} > ${sh(singerFile)}`, opts),
          await timedPart('sinew target < file', rows, baselineRuns, `${singerCli('target', 'jsonl', targetConfig)} < ${sh(singerFile)}`, {
            ...opts,
            before: () => emptyDir(jsonlParts),
            check: async () => {
              const n = await lineCount(jsonlParts);
              if (n !== rows) throw new Error(`sinew target < file wrote ${n} lines, not ${rows}`);
            },
          }),
        );
        measured.push(...parts);
      }
      // The target writes to `out`, checked after each job; runSinewJob empties the flow's
      // targetDir after a job, so it gets a folder of its own that the target never uses.
      const out = path.join(work.path, 'jsonl');
      const unused = path.join(work.path, 'unused');
      await mkdir(out);
      await mkdir(unused);
      await s.api('PUT', `/${s.envId}/flows/my-to-jsonl`, {
        name: 'mysql to jsonl',
        type: 'v1-source',
        connectors: ['mysql'],
        target: { connector: 'jsonl', config: { path: out } },
      });
      await s.api('POST', `/${s.envId}/my-to-jsonl/bench/linkedSources`, {
        source: { tap: 'mysql', config: { host: MYSQL_HOST, user: 'root', database: db.database } },
      });
      const sinew = await sinewRuns(
        s,
        { flowId: 'my-to-jsonl', tenant: 'bench', targetDir: unused },
        rows,
        rows === o.rows ? o.repeat : 1,
        () => emptyDir(out),
        async () => {
          const n = await lineCount(out);
          if (n !== rows) throw new Error(`the jsonl target wrote ${n} lines, not ${rows}`);
        },
      );
      measured.push(...sinew);
      const ratios = baselineRuns > 0 ? sinew.map((m) => ratioLine(m, client, 0.5)) : [];
      const [sinewTap, sinewTarget] = parts;
      if (sinewTap && sinewTarget) {
        ratios.push(partLine(sinewTap, client));
        for (const m of sinew) ratios.push(againstParts(m, sinewTap, sinewTarget));
      }
      printResults(`mysql → jsonl, ${rows.toLocaleString('en-US')} rows`, measured, ratios);
    } finally {
      await s.stop();
      await work.remove();
      await db.drop();
    }
  }
}
