import type BetterSqlite3 from "better-sqlite3";
import { InputError, type JsonValue } from "../core/index.js";

export type PromptAuthorKind = "human" | "optimizer";
export type PromptLabelEventKind = "set" | "rollback" | "promote" | "remove";

/** One immutable prompt version as stored; `prompts/` adds the labels and the typed settings. */
export interface StoredPromptVersion {
  name: string;
  /** sha256 hex of the canonical JSON of `{content, settings}`. */
  hash: string;
  content: string;
  /** Model, temperature, tool definitions… versioned with the text; absent when none. */
  settings?: { [key: string]: JsonValue };
  /** Hashes of the versions this one came from: none, one, or two for a merge. */
  parents: string[];
  author: string;
  author_kind: PromptAuthorKind;
  rationale?: string;
  target_cluster?: string;
  created_at: string;
}

export interface PromptLabel {
  name: string;
  label: string;
  hash: string;
  updated_at: string;
}

export interface PromptLabelEvent {
  id: number;
  name: string;
  label: string;
  from_hash?: string;
  to_hash?: string;
  kind: PromptLabelEventKind;
  actor: string;
  reason?: string;
  decision_id?: string;
  at: string;
}

export interface PromptPin {
  name: string;
  hash: string;
  /** Who holds it, e.g. `decision:<id>`. */
  pinned_by: string;
  created_at: string;
}

/**
 * A label move. `to` is a version hash, `null` to remove the label, or `"previous"` for a
 * rollback: the label's previous target, found from its history inside the same transaction.
 */
export interface LabelMove {
  name: string;
  label: string;
  to: string | null | { previous: true };
  kind: PromptLabelEventKind;
  actor: string;
  reason?: string;
  decision_id?: string;
  at: string;
}

export interface SaveVersionOptions {
  /** Keep at most this many versions of the name (newest first), besides the protected ones. */
  retain?: number;
  /** Move a label to the version in the same transaction. */
  label?: Omit<LabelMove, "name" | "to">;
}

export interface SaveVersionResult {
  /** The stored version: the existing one when the same content was added before. */
  version: StoredPromptVersion;
  created: boolean;
  /** Hashes deleted by retention. */
  pruned: string[];
  event?: PromptLabelEvent;
}

export interface ImportResult {
  added: number;
  existing: number;
  moved: PromptLabelEvent[];
}

export interface PromptStore {
  /** Adds a version unless one with the same name and hash exists (then returns that one). */
  saveVersion(
    version: StoredPromptVersion,
    options?: SaveVersionOptions,
  ): Promise<SaveVersionResult>;
  getVersion(name: string, hash: string): Promise<StoredPromptVersion | undefined>;
  /** Versions of `name` whose hash starts with `prefix`. */
  findByPrefix(name: string, prefix: string): Promise<StoredPromptVersion[]>;
  /** Oldest first; every name when `name` is not given. */
  listVersions(name?: string): Promise<StoredPromptVersion[]>;
  listNames(): Promise<string[]>;
  listLabels(name?: string): Promise<PromptLabel[]>;
  /** One IMMEDIATE transaction: concurrent moves apply in turn and each is recorded. */
  moveLabel(move: LabelMove): Promise<PromptLabelEvent>;
  /** Oldest first. */
  labelHistory(name: string, label?: string): Promise<PromptLabelEvent[]>;
  /** Protects a version from retention; pinning twice by the same holder is a no-op. */
  pin(pin: PromptPin): Promise<void>;
  listPins(name?: string): Promise<PromptPin[]>;
  /** Deletes the oldest versions beyond `retain` that nothing points at; returns their hashes. */
  prune(name: string, retain: number): Promise<string[]>;
  /** Versions then label moves, all or nothing. */
  importVersions(versions: StoredPromptVersion[], labels: LabelMove[]): Promise<ImportResult>;
}

interface VersionRow {
  name: string;
  hash: string;
  content: string;
  settings: string | null;
  parents: string;
  author: string;
  author_kind: string;
  rationale: string | null;
  target_cluster: string | null;
  created_at: string;
}

interface EventRow {
  id: number;
  name: string;
  label: string;
  from_hash: string | null;
  to_hash: string | null;
  kind: string;
  actor: string;
  reason: string | null;
  decision_id: string | null;
  at: string;
}

function decodeVersion(row: VersionRow): StoredPromptVersion {
  return {
    name: row.name,
    hash: row.hash,
    content: row.content,
    ...(row.settings !== null
      ? { settings: JSON.parse(row.settings) as { [key: string]: JsonValue } }
      : {}),
    parents: JSON.parse(row.parents) as string[],
    author: row.author,
    author_kind: row.author_kind as PromptAuthorKind,
    ...(row.rationale !== null ? { rationale: row.rationale } : {}),
    ...(row.target_cluster !== null ? { target_cluster: row.target_cluster } : {}),
    created_at: row.created_at,
  };
}

function decodeEvent(row: EventRow): PromptLabelEvent {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    ...(row.from_hash !== null ? { from_hash: row.from_hash } : {}),
    ...(row.to_hash !== null ? { to_hash: row.to_hash } : {}),
    kind: row.kind as PromptLabelEventKind,
    actor: row.actor,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.decision_id !== null ? { decision_id: row.decision_id } : {}),
    at: row.at,
  };
}

const short = (hash: string) => hash.slice(0, 12);

/**
 * The target a rollback moves to: history replayed as a stack (a set or promote pushes its
 * target, a rollback pops), then the newest earlier target that differs from the current one.
 */
export function previousTarget(
  events: readonly PromptLabelEvent[],
  current: string | null,
): string | null | undefined {
  const stack: Array<string | null> = [];
  for (const event of events) {
    if (event.kind === "rollback") stack.pop();
    else stack.push(event.to_hash ?? null);
  }
  stack.pop();
  while (stack.length > 0 && stack.at(-1) === current) stack.pop();
  return stack.length === 0 ? undefined : (stack.at(-1) as string | null);
}

export class SqlitePromptStore implements PromptStore {
  readonly #db: BetterSqlite3.Database;
  readonly #save: BetterSqlite3.Transaction<
    (version: StoredPromptVersion, options: SaveVersionOptions) => SaveVersionResult
  >;
  readonly #move: BetterSqlite3.Transaction<(move: LabelMove) => PromptLabelEvent>;
  readonly #prune: BetterSqlite3.Transaction<(name: string, retain: number) => string[]>;
  readonly #import: BetterSqlite3.Transaction<
    (versions: StoredPromptVersion[], labels: LabelMove[]) => ImportResult
  >;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#save = db.transaction((version, options) => {
      const existing = this.#get(version.name, version.hash);
      if (existing === undefined) this.#insert(version);
      const event =
        options.label !== undefined
          ? this.#moveNow({ ...options.label, name: version.name, to: version.hash })
          : undefined;
      const pruned =
        options.retain !== undefined ? this.#pruneNow(version.name, options.retain) : [];
      return {
        version: existing ?? version,
        created: existing === undefined,
        pruned,
        ...(event ? { event } : {}),
      };
    });
    this.#move = db.transaction((move) => this.#moveNow(move));
    this.#prune = db.transaction((name, retain) => this.#pruneNow(name, retain));
    this.#import = db.transaction((versions, labels) => {
      let added = 0;
      for (const version of versions) {
        if (this.#get(version.name, version.hash) !== undefined) continue;
        this.#insert(version);
        added++;
      }
      const moved: PromptLabelEvent[] = [];
      for (const move of labels) {
        const current = this.#labelHash(move.name, move.label);
        if (current === move.to) continue;
        moved.push(this.#moveNow(move));
      }
      return { added, existing: versions.length - added, moved };
    });
  }

  #get(name: string, hash: string): StoredPromptVersion | undefined {
    const row = this.#db
      .prepare("SELECT * FROM prompt_versions WHERE name = ? AND hash = ?")
      .get(name, hash) as VersionRow | undefined;
    return row === undefined ? undefined : decodeVersion(row);
  }

  #insert(v: StoredPromptVersion): void {
    this.#db
      .prepare(
        `INSERT INTO prompt_versions
          (name, hash, content, settings, parents, author, author_kind, rationale, target_cluster, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.name,
        v.hash,
        v.content,
        v.settings === undefined ? null : JSON.stringify(v.settings),
        JSON.stringify(v.parents),
        v.author,
        v.author_kind,
        v.rationale ?? null,
        v.target_cluster ?? null,
        v.created_at,
      );
  }

  #labelHash(name: string, label: string): string | null {
    const row = this.#db
      .prepare("SELECT hash FROM prompt_labels WHERE name = ? AND label = ?")
      .get(name, label) as { hash: string } | undefined;
    return row?.hash ?? null;
  }

  #events(name: string, label?: string): PromptLabelEvent[] {
    const rows = (
      label === undefined
        ? this.#db.prepare("SELECT * FROM prompt_label_events WHERE name = ? ORDER BY id").all(name)
        : this.#db
            .prepare("SELECT * FROM prompt_label_events WHERE name = ? AND label = ? ORDER BY id")
            .all(name, label)
    ) as EventRow[];
    return rows.map(decodeEvent);
  }

  #moveNow(move: LabelMove): PromptLabelEvent {
    const from = this.#labelHash(move.name, move.label);
    let to: string | null;
    if (move.to !== null && typeof move.to === "object") {
      const target = previousTarget(this.#events(move.name, move.label), from);
      if (target === undefined) {
        throw new InputError(
          `${move.name}@${move.label} has no earlier target to roll back to (see \`ratchet prompts history ${move.name}\`)`,
        );
      }
      to = target;
    } else {
      to = move.to;
    }
    if (to !== null && this.#get(move.name, to) === undefined) {
      throw new InputError(
        `${move.name}@${move.label} cannot point at ${short(to)}: no such version of ${move.name}${
          move.kind === "rollback" ? " (it was pruned)" : ""
        }`,
      );
    }
    if (to === null && from === null) {
      throw new InputError(`${move.name} has no label \`${move.label}\` to remove`);
    }
    if (to === null) {
      this.#db
        .prepare("DELETE FROM prompt_labels WHERE name = ? AND label = ?")
        .run(move.name, move.label);
    } else {
      this.#db
        .prepare(
          `INSERT INTO prompt_labels (name, label, hash, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (name, label) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
        )
        .run(move.name, move.label, to, move.at);
    }
    const result = this.#db
      .prepare(
        `INSERT INTO prompt_label_events (name, label, from_hash, to_hash, kind, actor, reason, decision_id, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        move.name,
        move.label,
        from,
        to,
        move.kind,
        move.actor,
        move.reason ?? null,
        move.decision_id ?? null,
        move.at,
      );
    return decodeEvent({
      id: Number(result.lastInsertRowid),
      name: move.name,
      label: move.label,
      from_hash: from,
      to_hash: to,
      kind: move.kind,
      actor: move.actor,
      reason: move.reason ?? null,
      decision_id: move.decision_id ?? null,
      at: move.at,
    });
  }

  /**
   * Keeps the newest `retain` versions and everything a label, a pin or a run points at, and
   * the ancestors of whatever is kept (so lineage never dangles); deletes the rest.
   */
  #pruneNow(name: string, retain: number): string[] {
    const rows = this.#db
      .prepare(
        "SELECT hash, parents FROM prompt_versions WHERE name = ? ORDER BY created_at DESC, rowid DESC",
      )
      .all(name) as Array<{ hash: string; parents: string }>;
    if (rows.length <= retain) return [];
    const parentsOf = new Map(rows.map((r) => [r.hash, JSON.parse(r.parents) as string[]]));
    const keep = new Set(rows.slice(0, Math.max(0, retain)).map((r) => r.hash));
    const protectedHashes = [
      ...(this.#db
        .prepare("SELECT hash FROM prompt_labels WHERE name = ?")
        .pluck()
        .all(name) as string[]),
      ...(this.#db
        .prepare("SELECT hash FROM prompt_pins WHERE name = ?")
        .pluck()
        .all(name) as string[]),
      ...(
        this.#db
          .prepare(
            "SELECT DISTINCT prompt_version FROM runs WHERE prompt_version >= ? AND prompt_version < ?",
          )
          .pluck()
          .all(`${name}@`, `${name}A`) as string[]
      ).map((ref) => ref.slice(name.length + 1)),
    ];
    for (const hash of protectedHashes) keep.add(hash);
    const queue = [...keep];
    while (queue.length > 0) {
      for (const parent of parentsOf.get(queue.pop() as string) ?? []) {
        if (!keep.has(parent)) {
          keep.add(parent);
          queue.push(parent);
        }
      }
    }
    const doomed = rows.map((r) => r.hash).filter((hash) => !keep.has(hash));
    const remove = this.#db.prepare("DELETE FROM prompt_versions WHERE name = ? AND hash = ?");
    for (const hash of doomed) remove.run(name, hash);
    return doomed;
  }

  async saveVersion(
    version: StoredPromptVersion,
    options: SaveVersionOptions = {},
  ): Promise<SaveVersionResult> {
    return this.#save.immediate(version, options);
  }

  async getVersion(name: string, hash: string): Promise<StoredPromptVersion | undefined> {
    return this.#get(name, hash);
  }

  async findByPrefix(name: string, prefix: string): Promise<StoredPromptVersion[]> {
    const rows = this.#db
      .prepare(
        "SELECT * FROM prompt_versions WHERE name = ? AND substr(hash, 1, ?) = ? ORDER BY created_at, rowid",
      )
      .all(name, prefix.length, prefix) as VersionRow[];
    return rows.map(decodeVersion);
  }

  async listVersions(name?: string): Promise<StoredPromptVersion[]> {
    const rows = (
      name === undefined
        ? this.#db.prepare("SELECT * FROM prompt_versions ORDER BY name, created_at, rowid").all()
        : this.#db
            .prepare("SELECT * FROM prompt_versions WHERE name = ? ORDER BY created_at, rowid")
            .all(name)
    ) as VersionRow[];
    return rows.map(decodeVersion);
  }

  async listNames(): Promise<string[]> {
    return this.#db
      .prepare("SELECT DISTINCT name FROM prompt_versions ORDER BY name")
      .pluck()
      .all() as string[];
  }

  async listLabels(name?: string): Promise<PromptLabel[]> {
    return (
      name === undefined
        ? this.#db.prepare("SELECT * FROM prompt_labels ORDER BY name, label").all()
        : this.#db.prepare("SELECT * FROM prompt_labels WHERE name = ? ORDER BY label").all(name)
    ) as PromptLabel[];
  }

  async moveLabel(move: LabelMove): Promise<PromptLabelEvent> {
    return this.#move.immediate(move);
  }

  /** `moveLabel` inside a transaction the caller holds (nested: a savepoint). */
  moveLabelInTransaction(move: LabelMove): PromptLabelEvent {
    return this.#move(move);
  }

  async labelHistory(name: string, label?: string): Promise<PromptLabelEvent[]> {
    return this.#events(name, label);
  }

  async pin(pin: PromptPin): Promise<void> {
    try {
      this.#db
        .prepare(
          "INSERT OR IGNORE INTO prompt_pins (name, hash, pinned_by, created_at) VALUES (?, ?, ?, ?)",
        )
        .run(pin.name, pin.hash, pin.pinned_by, pin.created_at);
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
        throw new InputError(`cannot pin ${pin.name}@${short(pin.hash)}: no such version`);
      }
      throw error;
    }
  }

  async listPins(name?: string): Promise<PromptPin[]> {
    return (
      name === undefined
        ? this.#db.prepare("SELECT * FROM prompt_pins ORDER BY name, created_at").all()
        : this.#db.prepare("SELECT * FROM prompt_pins WHERE name = ? ORDER BY created_at").all(name)
    ) as PromptPin[];
  }

  async prune(name: string, retain: number): Promise<string[]> {
    return this.#prune.immediate(name, retain);
  }

  async importVersions(
    versions: StoredPromptVersion[],
    labels: LabelMove[],
  ): Promise<ImportResult> {
    return this.#import.immediate(versions, labels);
  }
}
