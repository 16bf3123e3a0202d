/** Escaping for each output language. User content (outputs, reasons, case ids) goes through these. */

/**
 * Characters XML 1.0 forbids outright: C0 controls other than tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF. No escape makes them legal, so they become U+FFFD.
 */
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function stripInvalidXml(text: string): string {
  return text.replace(XML_INVALID, "\uFFFD");
}

export function xmlText(text: string): string {
  return stripInvalidXml(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values: also quotes, and tab/LF/CR as references so attribute normalisation keeps them. */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

/** HTML text and attribute values (double-quoted). */
export function html(text: string): string {
  return stripInvalidXml(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<` and `>` as \u escapes so
 * no `</script>` or `<!--` can end or confuse the element, `&` likewise, and U+2028/2029 escaped
 * for older JS parsers. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * One RFC 4180 field. Text cells that a spreadsheet would run as a formula (leading = + - @,
 * or tab/CR which some spreadsheets strip before checking) get a leading apostrophe: a report
 * opened in Excel must not execute content an agent produced (CSV formula injection).
 */
export function csvText(text: string): string {
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return csvQuote(guarded);
}

/** Quote only when needed: quotes, commas, line breaks. Numbers we produce never need it. */
export function csvQuote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Markdown table cell: one line, pipes escaped, HTML and emphasis neutralised. */
export function markdownCell(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#~])/g, "\\$1");
}
