/**
 * Seeded synthetic failure texts: templated failure messages with variable slots (tools,
 * ids, durations, amounts, fields, users…). Each template is one failure mode, the label a
 * clustering should recover. Several modes share vocabulary (three kinds of timeout, two of
 * refund) so the task is not trivial; 3% of texts are one-off noise with label -1.
 */
import { createRng, type Rng } from "../../src/core/index.js";

const TOOLS = [
  "search_flights",
  "book_hotel",
  "get_order",
  "refund_payment",
  "lookup_user",
  "send_email",
  "update_address",
  "cancel_booking",
  "list_invoices",
  "create_ticket",
];
const FIELDS = ["order_id", "email", "amount", "currency", "date", "user_id", "address", "sku"];
const MODELS = ["gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-70b", "mistral-large"];
const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
const CITIES = ["Paris", "Berlin", "Tokyo", "Lima", "Oslo", "Cairo", "Austin", "Seoul"];
const WORDS = [
  "blue",
  "quantum",
  "garden",
  "fiscal",
  "orbit",
  "velvet",
  "harbor",
  "lantern",
  "pixel",
  "meadow",
  "cobalt",
  "thunder",
  "saddle",
  "marble",
  "echo",
  "falcon",
];

type Slot = (rng: Rng) => string;
const num =
  (lo: number, hi: number): Slot =>
  (rng) =>
    String(lo + rng.int(hi - lo));
const pick =
  (xs: string[]): Slot =>
  (rng) =>
    rng.pick(xs);
const hex =
  (len: number): Slot =>
  (rng) =>
    Array.from({ length: len }, () => "0123456789abcdef"[rng.int(16)]).join("");

const SLOTS: Record<string, Slot> = {
  tool: pick(TOOLS),
  field: pick(FIELDS),
  model: pick(MODELS),
  user: pick(USERS),
  city: pick(CITIES),
  ms: num(1000, 90000),
  n: num(2, 500),
  amount: num(5, 5000),
  id: hex(8),
  code: num(400, 600),
  pct: num(1, 100),
  line: num(1, 900),
};

export const TEMPLATES = [
  "Tool {tool} timed out after {ms} ms",
  "Timeout waiting for {tool} response ({ms} ms elapsed), giving up",
  "Model {model} request timed out after {ms} ms during streaming",
  "Tool {tool} returned HTTP {code}: upstream service unavailable",
  "Schema validation failed for {tool}: missing required field {field}",
  "Invalid argument {field} passed to {tool}: expected string, got number",
  "Agent called {tool} with hallucinated {field} {id} that does not exist",
  "Refund of {amount} EUR issued without manager approval for order {id}",
  "Refund for order {id} issued twice to user {user}",
  "Agent promised a refund of {amount} but the policy allows at most {n}",
  "User {user} asked to cancel booking {id}; agent booked a new one instead",
  "Agent booked a flight to {city} while the user asked for {city}",
  "Assistant leaked the email address of user {user} in the reply",
  "Credit card number exposed in tool output of {tool} (order {id})",
  "Agent refused a legitimate request to update address for {user}",
  "Agent answered in French although user {user} wrote in English",
  "Conversation exceeded {n} turns without resolving the ticket {id}",
  "Agent looped calling {tool} {n} times with identical arguments",
  "Rate limit exceeded for {model}: {n} requests per minute",
  "Context length exceeded: prompt of {n}000 tokens for model {model}",
  "JSON parse error in model output at line {line}: unexpected token",
  "Judge scored faithfulness {pct}% below threshold: answer cites no source",
  "Answer contradicts retrieved document {id} about {field}",
  "Agent handed off to billing_agent but billing_agent never replied (ticket {id})",
  "Planner agent delegated {tool} to the wrong sub-agent researcher",
  "Stack trace: TypeError cannot read properties of undefined reading {field} at line {line}",
  "Database deadlock detected while {tool} updated {field} for {user}",
  "Authentication token expired for {tool}; agent did not retry",
  "Agent invented an order status for {id} without calling get_order",
  "Price quoted {amount} USD differs from catalogue price for sku {id}",
];

function fill(template: string, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => SLOTS[name]!(rng));
}

export function syntheticFailures(n: number, seed = 1): { texts: string[]; labels: Int32Array } {
  const rng = createRng(seed);
  const texts: string[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (rng.next() < 0.03) {
      texts.push(Array.from({ length: 4 + rng.int(6) }, () => rng.pick(WORDS)).join(" "));
      labels[i] = -1;
      continue;
    }
    // Modes are not equally common: a few problems make most failures (as in production).
    const mode = Math.min(TEMPLATES.length - 1, Math.floor(TEMPLATES.length * rng.next() ** 1.6));
    texts.push(fill(TEMPLATES[mode]!, rng));
    labels[i] = mode;
  }
  return { texts, labels };
}
