/**
 * Requests' synchronous work (decode, redact, store), in the order the bodies arrived, with
 * the event loop turning at least every TURN_BUDGET_MS of it.
 *
 * Why: Node (libuv) accepts one waiting connection per turn of the event loop, and reads
 * sockets only between turns. When every body that arrived in one turn was stored in that same
 * turn, a burst of requests made each turn last as long as all of their work together, and the
 * kernel's queue of connections was served one connection per such turn: with 32 exporters, the
 * last to connect waited 5–7 s before its first request was even read, while the exporters
 * already connected were served again and again (bench/receiver). Now turns are short, turns
 * right after a connection was accepted are left to accepting the next ones, and the stored
 * requests go in arrival order.
 *
 * The queue also knows how much work it holds, measured in the bytes of the queued bodies and
 * the rate at which recent requests were processed, so that a backlog can be refused before its
 * clients time out (receiver.ts).
 */
export interface TurnQueue {
  /**
   * Resolves when it is this request's turn. `cost` is its size in bytes. The caller does its
   * work and then calls the returned `done`, which hands the next turn on; it must always be
   * called (in a `finally`).
   */
  take(cost: number): Promise<() => void>;
  /** How long a request queued now would wait for its turn, at the measured rate; 0 until one is measured. */
  expectedWaitMs(): number;
  /** Requests waiting for their turn (not counting the one at work). */
  readonly waiting: number;
  /**
   * The server accepted a connection (listen.ts calls this on `connection`). Node accepts one
   * waiting connection per turn of the loop, so while they keep coming the next turns are left
   * to accepting them before more requests are stored.
   */
  connectionAccepted(): void;
}

interface Waiter {
  cost: number;
  start: () => void;
}

/**
 * Most milliseconds of requests' work in one turn of the event loop (the last request may run
 * over). Short enough that new connections wait tens of milliseconds to be accepted, long
 * enough that small requests are stored in batches rather than one poll of the sockets each.
 */
const TURN_BUDGET_MS = 20;

/**
 * Most turns in a row left to accepting connections: a steady stream of new connections slows
 * storing down but cannot stop it.
 */
const MAX_ACCEPT_TURNS = 64;

/** Weight of the newest request in the running rate: recent requests dominate, one outlier does not. */
const RATE_WEIGHT = 0.2;

export function createTurnQueue(now: () => number = () => performance.now()): TurnQueue {
  const queue: Waiter[] = [];
  let busy = false;
  let queuedCost = 0;
  let msPerByte = 0;

  // When the turn now running began: requests are stored back to back until it has lasted
  // TURN_BUDGET_MS, so that a burst does not pay a poll of every socket per request.
  let turnStarted = 0;

  const startNext = () => {
    // shift() is linear, but the queue holds at most the receiver's admitted requests.
    const next = busy ? undefined : queue.shift();
    if (!next) return;
    busy = true;
    queuedCost -= next.cost;
    next.start();
  };

  // A connection was accepted since the last turn of storing, and how many turns in a row
  // have been left to accepting.
  let accepted = false;
  let acceptTurns = 0;

  const pump = () => {
    if (accepted && acceptTurns < MAX_ACCEPT_TURNS) {
      accepted = false;
      acceptTurns++;
      setImmediate(pump);
      return;
    }
    accepted = false;
    acceptTurns = 0;
    turnStarted = now();
    startNext();
  };

  return {
    take(cost) {
      return new Promise((resolve) => {
        const size = Math.max(1, cost);
        queuedCost += size;
        queue.push({
          cost: size,
          start: () => {
            const started = now();
            let handedOn = false;
            resolve(() => {
              if (handedOn) return;
              handedOn = true;
              const rate = (now() - started) / size;
              msPerByte = msPerByte === 0 ? rate : msPerByte + RATE_WEIGHT * (rate - msPerByte);
              busy = false;
              if (queue.length === 0) return;
              // Within the turn's budget the next request starts now; past it, on the next
              // turn, after Node has accepted connections and read sockets.
              if (!accepted && now() - turnStarted < TURN_BUDGET_MS) startNext();
              else setImmediate(pump);
            });
          },
        });
        if (!busy && queue.length === 1) setImmediate(pump);
      });
    },
    expectedWaitMs: () => queuedCost * msPerByte,
    get waiting() {
      return queue.length;
    },
    connectionAccepted() {
      accepted = true;
    },
  };
}
