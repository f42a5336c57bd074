/**
 * Phase timings for profiling a long command: with SRE_CARDS_TRACE set, each phase's end
 * is written to stderr as `trace <ms since start> <phase>`. Otherwise nothing.
 */
const on = Boolean(process.env.SRE_CARDS_TRACE);

export function trace(phase: string): void {
  if (on) process.stderr.write(`trace ${performance.now().toFixed(0)} ${phase}\n`);
}
