/**
 * HTTP-date (RFC 9110 §5.6.7): IMF-fixdate to send; IMF-fixdate, RFC 850 and asctime to accept.
 * A strict parser: Date.parse accepts almost anything and reads it in the local time zone.
 */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function time(s: string, at: number): number {
  // hh:mm:ss
  if (s.charCodeAt(at + 2) !== 0x3a || s.charCodeAt(at + 5) !== 0x3a) return -1;
  const h = digits(s, at, 2);
  const m = digits(s, at + 3, 2);
  const sec = digits(s, at + 6, 2);
  // second 60 is allowed by the grammar (leap second); Date folds it into the next minute.
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return -1;
  return (h * 3600 + m * 60 + sec) * 1000;
}

function build(year: number, month: number, day: number, ms: number): number | undefined {
  if (year < 0 || month < 0 || day < 1 || ms < 0) return undefined;
  // Not Date.UTC, which reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  // Reject days past the end of the month (31 Feb) rather than rolling over.
  if (date.getUTCDate() !== day) return undefined;
  return date.getTime() + ms;
}

/**
 * Parses an HTTP-date into epoch milliseconds, or undefined if it is not one of the three formats.
 * RFC 850's two-digit year is read as the most recent year with those digits that is not more
 * than 50 years in the future (RFC 9110 §5.6.7).
 */
export function parseHttpDate(s: string, now: number = Date.now()): number | undefined {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (s.length === 29 && s.charCodeAt(3) === 0x2c) {
    if (
      !DAYS.includes(s.slice(0, 3)) ||
      s[4] !== " " ||
      s[7] !== " " ||
      s[11] !== " " ||
      s[16] !== " "
    )
      return undefined;
    if (!s.endsWith(" GMT")) return undefined;
    return build(digits(s, 12, 4), MONTHS.indexOf(s.slice(8, 11)), digits(s, 5, 2), time(s, 17));
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (s.length === 24 && s[3] === " ") {
    if (!DAYS.includes(s.slice(0, 3)) || s[7] !== " " || s[10] !== " " || s[19] !== " ")
      return undefined;
    const day = s[8] === " " ? digits(s, 9, 1) : digits(s, 8, 2);
    return build(digits(s, 20, 4), MONTHS.indexOf(s.slice(4, 7)), day, time(s, 11));
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  const comma = s.indexOf(",");
  if (
    comma >= 6 &&
    comma <= 9 &&
    LONG_DAYS.includes(s.slice(0, comma)) &&
    s.length === comma + 24
  ) {
    const r = s.slice(comma + 1);
    if (r[0] !== " " || r[3] !== "-" || r[7] !== "-" || r[10] !== " " || r.slice(19) !== " GMT")
      return undefined;
    const yy = digits(r, 8, 2);
    if (yy < 0) return undefined;
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    return build(year, MONTHS.indexOf(r.slice(4, 7)), digits(r, 1, 2), time(r, 11));
  }
  return undefined;
}

/** Formats epoch milliseconds (or a Date) as IMF-fixdate, the only form a sender may generate. */
export function formatHttpDate(date: Date | number): string {
  // toUTCString() produces exactly IMF-fixdate for years 0000–9999.
  return (typeof date === "number" ? new Date(date) : date).toUTCString();
}
