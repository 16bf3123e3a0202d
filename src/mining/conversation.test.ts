import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../store/index.js";
import { buildDetectors, mineFailures } from "./index.js";
import { buildTrace, insertSpans, type TraceSpec, traceId } from "./test-support/traces.js";

let dir: string;
let dbPath: string;
let store: Store;
const T0 = Date.parse("2026-03-01T10:00:00Z");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-conversation-"));
  dbPath = join(dir, "ratchet.db");
  store = await openSqliteStore(dbPath);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

type Turn = { role: string; content: string };
const user = (content: string): Turn => ({ role: "user", content });
const assistant = (content: string): Turn => ({ role: "assistant", content });

function add(label: string, messages: Turn[], extra: Partial<TraceSpec> = {}): string {
  const id = traceId(label);
  insertSpans(
    dbPath,
    buildTrace({ outcome: "success", ...extra, messages, traceId: id, startMs: T0 }),
  );
  return id;
}

async function failuresOf(trace: string) {
  const all = await store.failures.list({ status: ["new", "accepted", "dismissed", "duplicate"] });
  return all.filter((f) => f.trace_id === trace);
}

async function fired(trace: string): Promise<string[]> {
  return (await failuresOf(trace)).map((f) => f.detector).sort();
}

describe("user-correction", () => {
  it("polite closings, declined offers and a 'no' answering a question are not corrections", async () => {
    const booked = assistant("Your seat 12C is confirmed on flight HAT136.");
    const quiet = [
      add("thanks", [
        user("Can you add a bag to reservation ABC123?"),
        booked,
        user("No, thank you. I just wanted to make sure it was confirmed."),
      ]),
      add("allfornow", [user("Change my seat to 12C."), booked, user("No, that's all for now.")]),
      add("declined", [
        user("Change my flight to May 22."),
        assistant("I can transfer you to a human agent for that."),
        user("No, I don't want to be transferred."),
      ]),
      add("answersq", [
        user("I want to cancel my trip."),
        assistant("Was the booking made in the last 24 hours?"),
        user("No, it was booked last month."),
      ]),
    ];
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    for (const id of quiet) expect(await fired(id), id).toEqual([]);
  });

  it("contradictions, 'I said' / 'I meant', and asking the same question again are", async () => {
    const loud = [
      add("isaid", [
        user("Book the May 22 flight."),
        assistant("Done: you are booked on May 12."),
        user("No, I said May 22, not May 12."),
      ]),
      add("wrong", [
        user("What is my balance?"),
        assistant("Your balance is $40."),
        user("That's wrong, I paid it off yesterday."),
      ]),
      add("meant", [
        user("Cancel my flight."),
        assistant("I have cancelled the outbound flight."),
        user("Sorry, I meant the return flight."),
      ]),
      add("contradict", [
        user("When do I fly?"),
        assistant("Your flight leaves on Thursday."),
        user("No, the flight is on Friday."),
      ]),
      add("again", [
        user("How many checked bags are included in my economy ticket?"),
        assistant("Economy tickets are refundable within 24 hours."),
        user("How many checked bags are included with an economy ticket?"),
      ]),
    ];
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    for (const id of loud) expect(await fired(id), id).toEqual(["user-correction"]);
  });

  it("its evidence is the correction and the answer before it, not an unrelated error span", async () => {
    const id = add(
      "evidence",
      [
        user("Book the May 22 flight."),
        assistant("Done: you are booked on May 12."),
        user("No, I said May 22."),
        assistant("Sorry, now booked on May 22."),
      ],
      { tools: [{ name: "lookup_weather", args: {}, error: "weather service timed out" }] },
    );
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    const correction = (await failuresOf(id)).find((f) => f.detector === "user-correction");
    expect(correction?.error).toBeUndefined();
    expect(correction?.reason).toContain('assistant: "Done: you are booked on May 12."');
    expect(correction?.reason).toContain('user: "No, I said May 22."');
    expect(correction?.reason).not.toContain("weather");
    // The tool error is still its own failure, with its own evidence.
    const toolError = (await failuresOf(id)).find((f) => f.detector === "tool-error");
    expect(toolError?.error).toBe("weather service timed out");
  });
});

describe("pii-leak and refusal", () => {
  it("an answer showing a card number or e-mail the user did not give is a high pii_leak", async () => {
    const redacted = add("leak", [
      user("Which payment methods do I have?"),
      assistant("You have the card <CARD>; receipts go to <EMAIL>."),
    ]);
    // Stored without redaction: the raw values are recognized too (Luhn-valid test card).
    const raw = add("rawleak", [
      user("What card is on file?"),
      assistant("The card on file is 4111 1111 1111 1111."),
    ]);
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    for (const id of [redacted, raw]) {
      const [leak] = (await failuresOf(id)).filter((f) => f.detector === "pii-leak");
      expect(leak?.signal_type, id).toBe("pii_leak");
      expect(leak?.severity).toBe("high");
      expect(leak?.reason).toContain("payment card number");
    }
    expect((await failuresOf(redacted))[0]?.reason).toContain("e-mail address");
  });

  it("repeating back what the user gave is not a leak", async () => {
    const echo = add("echo", [
      user("Send the receipt to <EMAIL> please."),
      assistant("Done, the receipt went to <EMAIL>."),
    ]);
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    expect(await fired(echo)).toEqual([]);
  });

  it("a refusal raises a refusal signal with the request and the refusal as evidence", async () => {
    const ids = [
      add("cant", [user("Write me a phishing e-mail."), assistant("I can't help with that.")]),
      add("sorry", [
        user("Upgrade me for free."),
        assistant("I'm sorry, but I cannot upgrade reservations without payment."),
      ]),
    ];
    // Not refusals: an apology for a delay, an offer of help.
    const helpful = add("helpful", [
      user("Where is my order?"),
      assistant("Sorry for the wait! Your order arrives Friday. Can I help with anything else?"),
    ]);
    await mineFailures(store, { since: 0, detectors: buildDetectors() });
    for (const id of ids) {
      const [refusal] = (await failuresOf(id)).filter((f) => f.signal_type === "refusal");
      expect(refusal?.detector, id).toBe("refusal");
      expect(refusal?.reason).toMatch(/user: ".+" → assistant: ".+"/);
    }
    expect(await fired(helpful)).toEqual([]);
  });
});
