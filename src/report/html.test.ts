import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeReportToStream } from "./index.js";
import { nastyAttempts, nastyRun, source } from "./test-support/fixtures.js";

/**
 * Just enough DOM to run the report's inline script in Node (no browser or jsdom here).
 * Text only ever enters through textContent, and the fake has no innerHTML: if the script
 * used innerHTML the test would fail to show the content.
 */
class FakeNode {
  children: FakeNode[] = [];
  parent: FakeNode | undefined;
  textContent = "";
  className = "";
  value = "";
  hidden = false;
  tabIndex = -1;
  colSpan = 1;
  listeners: Record<string, Array<(e: unknown) => void>> = {};
  constructor(readonly tag: string) {}
  appendChild(child: FakeNode) {
    if (child.tag === "#fragment") {
      for (const c of child.children) this.appendChild(c);
      child.children = [];
      return child;
    }
    child.parent = this;
    this.children.push(child);
    return child;
  }
  append(child: FakeNode) {
    this.appendChild(child);
  }
  replaceChildren(...nodes: FakeNode[]) {
    this.children = [];
    for (const n of nodes) this.appendChild(n);
  }
  after(node: FakeNode) {
    const siblings = this.parent?.children ?? [];
    node.parent = this.parent;
    siblings.splice(siblings.indexOf(this) + 1, 0, node);
  }
  remove() {
    const siblings = this.parent?.children ?? [];
    siblings.splice(siblings.indexOf(this), 1);
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    this.listeners[type] = [...(this.listeners[type] ?? []), fn];
  }
  fire(type: string) {
    for (const fn of this.listeners[type] ?? []) fn({ key: "Enter", preventDefault() {} });
  }
  get text(): string {
    return this.textContent + this.children.map((c) => c.text).join("");
  }
}

async function renderPage(): Promise<string> {
  let page = "";
  const out = new Writable({
    write(chunk: Buffer, _e, done) {
      page += chunk.toString("utf8");
      done();
    },
  });
  await writeReportToStream(out, "html", nastyRun(), source(nastyAttempts()));
  return page;
}

async function runApp() {
  const page = await renderPage();
  const byId = new Map<string, FakeNode>();
  for (const m of page.matchAll(/<(\w+)[^>]*\bid="([^"]+)"/g)) {
    byId.set(m[2] ?? "", new FakeNode(m[1] ?? ""));
  }
  const data = byId.get("ratchet-attempts");
  if (!data) throw new Error("no data element");
  // The browser hands the script element's raw text to textContent.
  data.textContent = /id="ratchet-attempts">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? "";
  const document = {
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new FakeNode(tag),
    createDocumentFragment: () => new FakeNode("#fragment"),
    createTextNode: (text: string) => Object.assign(new FakeNode("#text"), { textContent: text }),
  };
  const app = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? "";
  new Function("document", app)(document);
  const get = (id: string) => byId.get(id) as FakeNode;
  return { get, rows: () => get("rows").children };
}

describe("HTML report script", () => {
  it("renders every attempt, failures first", async () => {
    const { rows, get } = await runApp();
    expect(rows().map((r) => r.children[0]?.textContent)).toEqual([
      "refund\nmulti-line",
      "-cmd|pipe & <amp>",
      `greet, "friendly"`,
      "unicode",
    ]);
    expect(get("count").textContent).toBe("4 of 4 attempts");
    expect(get("more").hidden).toBe(true);
  });

  it("filters by status, tag, variant and text", async () => {
    const { rows, get } = await runApp();
    get("f-status").value = "error";
    get("f-status").fire("change");
    expect(rows()).toHaveLength(1);
    get("f-status").value = "";
    get("f-tag").value = "billing";
    get("f-tag").fire("change");
    expect(rows()).toHaveLength(2);
    get("f-variant").value = "model-b";
    get("f-variant").fire("change");
    expect(rows()).toHaveLength(1);
    get("f-tag").value = "";
    get("f-variant").value = "";
    get("f-text").value = "日本語";
    get("f-text").fire("input");
    expect(rows().map((r) => r.children[0]?.textContent)).toEqual(["unicode"]);
    // Search reaches failed assertion reasons too.
    get("f-text").value = "NO CALL";
    get("f-text").fire("input");
    expect(rows().map((r) => r.children[0]?.textContent)).toEqual(["refund\nmulti-line"]);
  });

  it("expands and collapses details with output, reasons, tool calls and error", async () => {
    const { rows } = await runApp();
    const first = rows()[0] as FakeNode;
    first.fire("click");
    expect(rows()).toHaveLength(5);
    const detail = rows()[1] as FakeNode;
    expect(detail.className).toBe("detail");
    expect(detail.text).toContain("Failed assertions");
    expect(detail.text).toContain(`missing "refund", </script><!-- <script>alert("x")</script>`);
    first.fire("click");
    expect(rows()).toHaveLength(4);

    const unicode = rows()[3] as FakeNode;
    unicode.fire("keydown");
    const toolDetail = rows()[4] as FakeNode;
    expect(toolDetail.text).toContain("Tool calls");
    expect(toolDetail.text).toContain('"q": "</script><!--"');

    const errored = rows()[1] as FakeNode;
    errored.fire("click");
    expect((rows()[2] as FakeNode).text).toContain("timeout: took too long & <gave up>");
  });
});

describe("HTML report reading", () => {
  it("asks the source for failures, then passes, and still renders each attempt once when a source ignores the selection", async () => {
    const attempts = nastyAttempts();
    const asked: unknown[] = [];
    const sink = () => {
      let text = "";
      const out = new Writable({
        write(chunk, _encoding, done) {
          text += String(chunk);
          done();
        },
      });
      return { out, text: () => text };
    };
    const honouring = sink();
    const filtered = source(attempts);
    await writeReportToStream(honouring.out, "html", nastyRun(), (selection) => {
      asked.push(selection);
      return filtered(selection);
    });
    expect(asked).toEqual([{ statuses: ["failed", "error"] }, { statuses: ["passed"] }]);

    const ignoring = sink();
    await writeReportToStream(ignoring.out, "html", nastyRun(), () => source(attempts)());
    expect(ignoring.text()).toBe(honouring.text());
    const embedded = /id="ratchet-attempts">(\[[\s\S]*?\])<\/script>/.exec(honouring.text());
    expect((JSON.parse(embedded?.[1] ?? "[]") as unknown[]).length).toBe(attempts.length);
  });
});
