// Graphile Worker as a queue peer in the Kernel load harness. The harness
// (benchmarks/Kernel.LoadHarness/Jobs/GraphileWorkerProcess.cs) starts this script as a child process against the
// PostgreSQL it started, enqueues the jobs itself (SQL graphile_worker.add_job / add_jobs over Npgsql) and reads
// what happened from this process's standard output, one line per event:
//   ready <ns> <node version>    the runner is started (its migrations ran, its workers are looking for jobs)
//   start <enqueuedAt> <ns>      a job's task began: the payload's enqueue timestamp and the task's first line
//   done <n>                     n more jobs completed and their completion (the row's delete) has returned
// <ns> is process.hrtime.bigint(), CLOCK_MONOTONIC like .NET's Stopwatch on Linux; the harness checks that the two
// agree at "ready". Lines written in the same turn of the event loop go out in one write, so a busy drain costs a
// write per turn rather than per job. The script stops (gracefully) when its standard input closes: the harness
// closes it to stop the workers, and the pipe closes by itself when the harness dies, so no worker outlives it.
//
// Settings come from the environment: GRAPHILE_BENCH_DATABASE_URL (required), GRAPHILE_BENCH_CONCURRENCY (16),
// GRAPHILE_BENCH_POLL_INTERVAL_MS (2000, Graphile Worker's default).
import { EventEmitter } from "node:events";
import { Logger, run } from "graphile-worker";

const connectionString = process.env.GRAPHILE_BENCH_DATABASE_URL;
if (!connectionString) {
  process.stderr.write("GRAPHILE_BENCH_DATABASE_URL is not set.\n");
  process.exit(2);
}

// Graphile Worker formats an info line per completed job unless this is set; the logger below would drop it anyway.
process.env.NO_LOG_SUCCESS ??= "1";

const concurrency = Number(process.env.GRAPHILE_BENCH_CONCURRENCY ?? "16");
const pollInterval = Number(process.env.GRAPHILE_BENCH_POLL_INTERVAL_MS ?? "2000");

let pending = [];
let completed = 0;
let flushScheduled = false;

function flush() {
  flushScheduled = false;
  if (completed > 0) {
    pending.push(`done ${completed}\n`);
    completed = 0;
  }

  if (pending.length > 0) {
    const text = pending.join("");
    pending = [];
    process.stdout.write(text);
  }
}

function report(line) {
  if (line !== null) {
    pending.push(line);
  }

  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

// Warnings and errors only, like the .NET peers (the harness runs them at warning level).
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") {
    process.stderr.write(`${level}: ${message}\n`);
  }
});

// Listeners go on before run() so that jobs queued in advance, which start inside run(), are seen too.
const events = new EventEmitter();
events.on("job:complete", ({ error }) => {
  if (error == null) {
    completed++;
    report(null);
  }
});

const taskList = {
  // The no-op job: records when it started, as the .NET peers' handlers do, and returns.
  bench_noop: async (payload) => {
    report(`start ${payload.enqueuedAt} ${process.hrtime.bigint()}\n`);
  },
};

const runner = await run({
  connectionString,
  concurrency,
  pollInterval,
  // One connection per concurrent job plus the LISTEN connection, so no worker waits for the pool.
  maxPoolSize: concurrency + 1,
  noHandleSignals: true,
  logger,
  events,
  taskList,
});

report(`ready ${process.hrtime.bigint()} ${process.version}\n`);

let stopping = false;
async function stop() {
  if (stopping) {
    return;
  }

  stopping = true;
  try {
    await runner.stop();
  } finally {
    flush();
    process.exit(0);
  }
}

process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
runner.promise.catch((error) => {
  process.stderr.write(`error: the runner failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
