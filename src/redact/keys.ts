/**
 * Key-name rules: a value stored under a name such as `api_key`, `db.password`, `x-api-key`
 * or `clientSecret` is a secret whatever it looks like, so it is masked whole.
 */

/** A name whose last word is one of these names a secret (`access_token`, `db.password`). */
const SECRET_WORDS = new Set([
  "password",
  "passwords",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "secrets",
  "token",
  "authorization",
  "auth",
  "cookie",
  "cookies",
  "session",
  "credential",
  "credentials",
  "apikey",
  "privatekey",
  "accesskey",
  "secretkey",
]);

/** `key` is a secret only after one of these (`api_key`, `AWS_SECRET_ACCESS_KEY`). */
const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "secret",
  "private",
  "signing",
  "encryption",
  "master",
  "auth",
  "session",
]);

/** Words that may follow the secret word without changing what it names (`password_hash`). */
const TRAILING = new Set(["value", "header", "hash"]);

/** Names that say the number is a phone number. */
const PHONE_WORDS = new Set([
  "phone",
  "phones",
  "telephone",
  "tel",
  "mobile",
  "msisdn",
  "fax",
  "cell",
  "cellphone",
  "whatsapp",
]);

/**
 * The words of a key's last meaningful segment: after the last `.` (attribute namespaces),
 * skipping purely numeric segments (`header.authorization.0`), split on separators and
 * camelCase, lower-cased. `http.request.header.x-api-key` → [x, api, key].
 */
export function nameWords(key: string): string[] {
  // Keys are short; a pathological one is judged by its last 128 characters.
  const tail = key.length > 128 ? key.slice(-128) : key;
  const segments = tail.split(".");
  let last = "";
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] ?? "";
    if (s !== "" && !/^\d+$/.test(s)) {
      last = s;
      break;
    }
  }
  return last
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

/** True when a value under this key is a secret by its name alone. */
export function isSecretKey(key: string): boolean {
  const words = nameWords(key);
  let end = words.length;
  while (end > 1 && TRAILING.has(words[end - 1] ?? "")) end--;
  const last = words[end - 1];
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  return last === "key" && KEY_QUALIFIERS.has(words[end - 2] ?? "");
}

/** True when the key names a phone number (`user.phone`, `mobileNumber`). */
export function isPhoneKey(key: string): boolean {
  return nameWords(key).some((w) => PHONE_WORDS.has(w));
}

/**
 * A cheap necessary condition for {@link maskKeyValues}: text without any of these
 * fragments cannot hold a secret name.
 */
const NAME_HINT = /pass|pwd|secret|token|auth|cookie|session|credential|key/i;

const IDENT = /[A-Za-z0-9_.-]/;
const MAX_NAME = 64;
/** Credential schemes kept in front of the mask, as the `Bearer` rule does. */
const SCHEMES = /^(?:bearer|basic|digest|token|negotiate|ntlm|apikey)$/i;

function isIdent(ch: string | undefined): boolean {
  return ch !== undefined && IDENT.test(ch);
}

/**
 * Masks the value of every `name: value`, `name=value` and `"name": "value"` whose name is a
 * secret name — in prose, headers, query strings, logfmt, and JSON, including JSON nested in
 * a JSON string (`\"password\":\"…\"`). One pass from each `:` or `=` and a bounded look back
 * (at most 64 characters of name), so the time stays proportional to the text length.
 */
export function maskKeyValues(text: string, placeholder: string): string {
  if (!NAME_HINT.test(text)) return text;
  let out = "";
  let copied = 0;
  let i = 0;
  const n = text.length;
  const separators = /[:=]/g;
  while (i < n) {
    separators.lastIndex = i;
    const found = separators.exec(text);
    if (found === null) break;
    const sep = found.index;
    const ch = text[sep];
    i = sep + 1;
    // Back over spaces, a closing quote and the backslashes escaping it, then the name.
    let j = sep - 1;
    while (j >= 0 && sep - j <= 4 && (text[j] === " " || text[j] === "\t")) j--;
    let quoted = false;
    if (text[j] === '"' || text[j] === "'") {
      quoted = true;
      j--;
      while (j >= 0 && text[j] === "\\") j--;
    }
    const nameEnd = j + 1;
    while (j >= 0 && nameEnd - j <= MAX_NAME && isIdent(text[j])) j--;
    const nameStart = j + 1;
    if (nameStart === nameEnd || isIdent(text[j])) continue;
    if (!quoted && ch === ":" && text[sep + 1] === "/") continue; // `https://`
    if (!isSecretKey(text.slice(nameStart, nameEnd))) continue;

    // The value: quoted (with the same escaping as its quote) or one bare token.
    let k = sep + 1;
    while (k < n && (text[k] === " " || text[k] === "\t")) k++;
    let escapes = 0;
    while (k + escapes < n && text[k + escapes] === "\\") escapes++;
    const quote = text[k + escapes];
    let valueStart: number;
    let valueEnd: number;
    if (quote === '"' || quote === "'") {
      valueStart = k + escapes + 1;
      valueEnd = valueStart;
      // Ends at the first quote; the backslashes escaping it belong to the closing quote.
      while (valueEnd < n && text[valueEnd] !== quote && text[valueEnd] !== "\n") valueEnd++;
      if (valueEnd >= n || text[valueEnd] !== quote) continue;
      let back = valueEnd;
      while (back > valueStart && text[back - 1] === "\\") back--;
      valueEnd = back;
    } else {
      valueStart = k;
      valueEnd = bareEnd(text, valueStart);
      const word = text.slice(valueStart, valueEnd);
      if (SCHEMES.test(word) && text[valueEnd] === " ") {
        // `Authorization: Basic dXNlcjpwYXNz`: keep the scheme, mask the credential.
        const credential = bareEnd(text, valueEnd + 1);
        if (credential > valueEnd + 1) {
          valueStart = valueEnd + 1;
          valueEnd = credential;
        }
      }
    }
    const value = text.slice(valueStart, valueEnd);
    if (value === "" || isLiteral(value)) continue;
    out += text.slice(copied, valueStart) + placeholder;
    copied = valueEnd;
    i = valueEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function bareEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && !/[\s,;&"'<>(){}[\]\\]/.test(text[end] ?? " ")) end++;
  return end;
}

/** JSON literals and placeholders already masked are not secrets. */
function isLiteral(value: string): boolean {
  return (
    value === "null" ||
    value === "true" ||
    value === "false" ||
    /^<[A-Z0-9_]+>$/.test(value) ||
    value === "[redacted]"
  );
}
