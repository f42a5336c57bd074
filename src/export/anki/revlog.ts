/** The review log's rows, in columns: one per answer that counts and one per reset. Pure. */
import { REVLOG_TYPE, type RevlogJob, type RevlogRow, type RevlogTable } from './rows.js';
import { type DayCount, difficultyFactor, logInterval } from './schedule.js';

const REVLOG_KIND = [REVLOG_TYPE.learn, REVLOG_TYPE.learn, REVLOG_TYPE.review, REVLOG_TYPE.relearn];

/**
 * The review log: one row per answer that still counts (undone and cram answers left
 * out) and one "manual" row per reset, for the exported cards. Ids are the answer times
 * in ms, moved on by a millisecond where two coincide (Array.prototype.sort is stable).
 */
export function revlogTable(job: RevlogJob): RevlogTable {
  const { log, cids } = job;
  const t: DayCount = { crtDay: job.day, clock: job.clock, days: new Map() };
  const r: RevlogTable = {
    length: 0,
    id: new Float64Array(log.length),
    cid: new Float64Array(log.length),
    ease: new Int32Array(log.length),
    ivl: new Int32Array(log.length),
    lastIvl: new Int32Array(log.length),
    factor: new Int32Array(log.length),
    time: new Int32Array(log.length),
    type: new Int32Array(log.length),
  };
  let n = 0;
  for (let i = 0; i < log.length; i++) {
    const cid = cids[log.card[i] as number] as number;
    if (Number.isNaN(cid)) continue;
    const ease = log.ease[i] as number;
    r.id[n] = log.at[i] as number;
    r.cid[n] = cid;
    r.ease[n] = ease;
    r.lastIvl[n] = logInterval(t, log.before, i);
    if (ease === 0) {
      r.ivl[n] = 0;
      r.factor[n] = 0;
      r.time[n] = 0;
      r.type[n] = REVLOG_TYPE.manual;
    } else {
      r.ivl[n] = logInterval(t, log.after, i);
      r.factor[n] = difficultyFactor(log.difficulty[i] as number);
      r.time[n] = Math.max(0, Math.min(60_000, Math.round(log.ms[i] as number)));
      r.type[n] = REVLOG_KIND[log.before.state[i] as number] as number;
    }
    n++;
  }
  r.length = n;
  // In time order (the log's order where times are equal), each id at least one past the last.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = (r.id[i - 1] as number) <= (r.id[i] as number);
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (r.id[a] as number) - (r.id[b] as number),
    );
    for (const k of ['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const) {
      const col = r[k];
      const copy = col.slice(0, n);
      for (let i = 0; i < n; i++) col[i] = copy[order[i] as number] as number;
    }
  }
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if ((r.id[i] as number) <= last) r.id[i] = last + 1;
    last = r.id[i] as number;
  }
  return r;
}

/** The review log's rows as objects. */
export function tableRows(r: RevlogTable): RevlogRow[] {
  const rows: RevlogRow[] = [];
  for (let i = 0; i < r.length; i++)
    rows.push({
      id: r.id[i] as number,
      cid: r.cid[i] as number,
      usn: -1,
      ease: r.ease[i] as number,
      ivl: r.ivl[i] as number,
      lastIvl: r.lastIvl[i] as number,
      factor: r.factor[i] as number,
      time: r.time[i] as number,
      type: r.type[i] as number,
    });
  return rows;
}
