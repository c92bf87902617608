/**
 * A small RFC 4180 CSV reader: comma-separated fields, fields in double quotes
 * may hold commas, newlines and doubled quotes (""), CRLF or LF line ends. Each
 * row carries the 1-based line it starts on, for error messages.
 */

export interface CsvRow {
  line: number;
  fields: string[];
}

/** Parses CSV text into rows (blank lines are dropped); `source` names the file in errors. */
export function parseCsv(text: string, source = 'csv'): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endRow = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || wasQuoted) rows.push({ line: start, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
          throw new Error(`${source}:${line}: unexpected character ${JSON.stringify(next)} after a closing quote`);
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = wasQuoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`${source}:${start}: unterminated quoted field`);
  if (field !== '' || fields.length || wasQuoted) endRow();
  return rows;
}
