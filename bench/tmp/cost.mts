import { costReport } from "../../src/cost/index.js";
import { openSqliteStore } from "../../src/store/index.js";
const store = await openSqliteStore(process.argv[2] ?? "/tmp/ratchet-bench-ui.db");
for (const since of [Date.now() - 30 * 86400e3, 0]) {
  const t = performance.now();
  const r = await costReport(store, { by: ["purpose", "model", "agent", "day"], sinceMs: since });
  console.log(since === 0 ? "all time" : "30d", r.rows.length, "rows", (performance.now() - t).toFixed(0), "ms");
}
await store.close();
