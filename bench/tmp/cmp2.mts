import { comparePaired } from "../../src/stats/index.js";
for (const n of [20, 200]) {
const a = Array.from({ length: n }, (_, i) => ((i * 7919) % 100) / 100);
const b = Array.from({ length: n }, (_, i) => ((i * 104729) % 100) / 100);
const dims = ["overall","accuracy","latency","tool_use","cost","latency_ms","cost_usd","safety"].map((name)=>({name,a,b}));
let t = performance.now();
const r = comparePaired(dims, { test: "t", seed: 1 });
console.log(n, "8 dims", (performance.now() - t).toFixed(0), r.dimensions[0]?.test.name);
}
