import { describe, expect, it } from "vitest";
import { createTurnQueue } from "./turns.js";

/** A clock the test moves: each job says how long it "took". */
function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("turn queue", () => {
  it("runs requests one at a time, in the order they asked", async () => {
    const clock = fakeClock();
    const turns = createTurnQueue(clock.now);
    const order: string[] = [];
    let running = 0;
    const job = async (name: string) => {
      const done = await turns.take(100);
      running++;
      expect(running).toBe(1);
      order.push(name);
      clock.advance(1);
      running--;
      done();
    };
    await Promise.all(["a", "b", "c", "d", "e"].map(job));
    expect(order).toEqual(["a", "b", "c", "d", "e"]);
    expect(turns.waiting).toBe(0);
  });

  it("stores short requests back to back, and lets the loop turn once a turn's budget is spent", async () => {
    const clock = fakeClock();
    const turns = createTurnQueue(clock.now);
    const events: string[] = [];
    const job = async (name: string, ms: number) => {
      const done = await turns.take(10);
      events.push(name);
      // Work that the loop runs on its next turn (a socket read, an accepted connection).
      setImmediate(() => events.push(`turn after ${name}`));
      clock.advance(ms);
      done();
    };
    // 3 × 5 ms fit in one 20 ms turn; the fourth would start past the budget.
    const jobs = [job("a", 5), job("b", 5), job("c", 5), job("d", 10), job("e", 1)];
    await Promise.all(jobs);
    await nextTurn();
    expect(events.slice(0, 5)).toEqual(["a", "b", "c", "d", "turn after a"]);
    expect(events.indexOf("e")).toBeGreaterThan(events.indexOf("turn after d"));
  });

  it("leaves the turns after an accepted connection to accepting more", async () => {
    const turns = createTurnQueue(fakeClock().now);
    const events: string[] = [];
    turns.connectionAccepted();
    const first = turns.take(10).then((done) => {
      events.push("stored");
      done();
    });
    // The connection was noted before the turn: the first turn is left to the loop.
    await nextTurn();
    events.push("one turn");
    await first;
    expect(events).toEqual(["one turn", "stored"]);
  });

  it("stops leaving turns to connections after a bound, so storing goes on in a storm", async () => {
    const turns = createTurnQueue(fakeClock().now);
    let stored = false;
    const taken = turns.take(10).then((done) => {
      stored = true;
      done();
    });
    let turnsSeen = 0;
    while (!stored && turnsSeen < 1_000) {
      turns.connectionAccepted();
      await nextTurn();
      turnsSeen++;
    }
    await taken;
    expect(stored).toBe(true);
    expect(turnsSeen).toBeLessThanOrEqual(66);
  });

  it("expects a wait of the queued bytes at the rate recent requests were stored", async () => {
    const clock = fakeClock();
    const turns = createTurnQueue(clock.now);
    expect(turns.expectedWaitMs()).toBe(0);
    // One request of 1,000 bytes took 10 ms: 0.01 ms per byte.
    const done = await turns.take(1_000);
    clock.advance(10);
    done();
    expect(turns.expectedWaitMs()).toBe(0);
    const held = await turns.take(500);
    const queued = [turns.take(2_000), turns.take(3_000)];
    expect(turns.waiting).toBe(2);
    expect(turns.expectedWaitMs()).toBeCloseTo(50, 6);
    clock.advance(5);
    held();
    for (const next of queued) (await next)();
    expect(turns.expectedWaitMs()).toBe(0);
  });
});
