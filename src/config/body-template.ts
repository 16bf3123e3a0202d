/**
 * An HTTP agent's body written as one string of JSON with `{{path}}` placeholders. A value is
 * inserted according to where its placeholder stands: inside a JSON string its text is
 * escaped (quotes, newlines); outside one it is inserted as a JSON value (a string gets its
 * quotes). Either way the body stays JSON, whatever the case's input holds.
 */
export type BodyPart =
  | { text: string }
  | { path: string; inString: boolean }
  | { env: string; inString: boolean };

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/y;
/** `${VAR}` stays literal in the config until the agent is built. */
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/y;

/** `withEnv`: also split out `${VAR}` (in the config, before the agent expands it). */
export function parseBodyTemplate(template: string, withEnv = false): BodyPart[] {
  const parts: BodyPart[] = [];
  let text = "";
  let inString = false;
  let i = 0;
  const flush = () => {
    if (text) parts.push({ text });
    text = "";
  };
  while (i < template.length) {
    PLACEHOLDER.lastIndex = i;
    const placeholder = PLACEHOLDER.exec(template);
    if (placeholder) {
      flush();
      parts.push({ path: placeholder[1] as string, inString });
      i = PLACEHOLDER.lastIndex;
      continue;
    }
    if (withEnv) {
      ENV_REFERENCE.lastIndex = i;
      const env = ENV_REFERENCE.exec(template);
      if (env) {
        flush();
        parts.push({ env: env[0], inString });
        i = ENV_REFERENCE.lastIndex;
        continue;
      }
    }
    const ch = template[i] as string;
    if (inString && ch === "\\") {
      text += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') inString = !inString;
    text += ch;
    i++;
  }
  flush();
  return parts;
}

/** The body with every value inserted as JSON; `lookup` reads a placeholder's value. */
export function renderBodyTemplate(
  parts: readonly BodyPart[],
  lookup: (path: string) => unknown,
): string {
  let out = "";
  for (const part of parts) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    if ("env" in part) {
      out += part.env;
      continue;
    }
    const value = lookup(part.path);
    if (part.inString) {
      const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
      out += JSON.stringify(text).slice(1, -1);
    } else {
      out += JSON.stringify(value ?? null);
    }
  }
  return out;
}

/**
 * Why the template cannot give JSON (undefined when it always does): placeholders are filled
 * with stand-ins (`null` outside strings), `${VAR}` outside a string likewise.
 */
export function bodyTemplateProblem(template: string): string | undefined {
  let sample = "";
  for (const part of parseBodyTemplate(template, true)) {
    sample += "text" in part ? part.text : part.inString ? "x" : "null";
  }
  try {
    JSON.parse(sample);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
