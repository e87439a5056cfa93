/**
 * bpftool's JSON writer (src/json_writer.c), byte for byte: compact output has no spaces;
 * pretty output puts each object member on its own line, indented 4 spaces per level, keeps
 * array elements on the line of the `[`, and closes a non-empty container on its own line.
 */
export class JsonWriter {
  private depth = 0;
  private sep = '';
  pretty = false;

  constructor(private readonly put: (s: string) => void) {}

  private indent(): void { for (let i = 0; i < this.depth; i++) this.put('    '); }
  private eol(): void {
    if (!this.pretty) return;
    this.put('\n');
    this.indent();
  }
  private eor(): void {
    if (this.sep) this.put(this.sep);
    this.sep = ',';
  }
  private quote(s: string): void {
    let out = '"';
    for (const ch of s) {
      switch (ch) {
        case '\t': out += '\\t'; break;
        case '\n': out += '\\n'; break;
        case '\r': out += '\\r'; break;
        case '\f': out += '\\f'; break;
        case '\b': out += '\\b'; break;
        case '\\': out += '\\\\'; break;
        case '"': out += '\\"'; break;
        default: out += ch;
      }
    }
    this.put(`${out}"`);
  }
  private begin(c: string): void {
    this.eor();
    this.put(c);
    this.depth++;
    this.sep = '';
  }
  private end(c: string): void {
    this.depth--;
    if (this.sep) this.eol();
    this.put(c);
    this.sep = ',';
  }

  /** `jsonw_destroy`: the final newline. */
  destroy(): void { this.put('\n'); }

  name(name: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.quote(name);
    this.put(this.pretty ? ': ' : ':');
  }
  /** `jsonw_printf`: raw text as a value. */
  printf(raw: string): void {
    this.eor();
    this.put(raw);
  }
  /** `jsonw_vprintf_enquote`: a string value inserted between quotes without escaping. */
  enquote(raw: string): void {
    this.eor();
    this.put(`"${raw}"`);
  }
  startObject(): void { this.begin('{'); }
  endObject(): void { this.end('}'); }
  startArray(): void { this.begin('['); }
  endArray(): void { this.end(']'); }
  string(v: string): void { this.eor(); this.quote(v); }
  bool(v: boolean): void { this.printf(v ? 'true' : 'false'); }
  null(): void { this.printf('null'); }
  uint(v: number): void { this.printf(String(v)); }
  int(v: number): void { this.printf(String(v)); }
  stringField(k: string, v: string): void { this.name(k); this.string(v); }
  boolField(k: string, v: boolean): void { this.name(k); this.bool(v); }
  uintField(k: string, v: number): void { this.name(k); this.uint(v); }
  intField(k: string, v: number): void { this.name(k); this.int(v); }
}
