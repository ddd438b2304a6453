// PostgreSQL text formats: dates and times (section 8.5), ranges (8.17),
// arrays (8.15), bytea's hex format (8.4), intervals in IntervalStyle
// `postgres` (8.5.5).
#include "spinhost/postgres_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <vector>

namespace flint::spinhost::postgres_text {

namespace {

using namespace component;
using rdbms::DbError;
using rdbms::Value;

// Type OIDs (pg_type.dat).
enum : uint32_t {
  kBool = 16,
  kBytea = 17,
  kChar = 18,
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTime = 1083,
  kTimestamp = 1114,
  kTimestamptz = 1184,
  kInterval = 1186,
  kNumeric = 1700,
  kUuid = 2950,
  kJsonb = 3802,
  kInt4Range = 3904,
  kNumRange = 3906,
  kInt8Range = 3926,
  kInt4Array = 1007,
  kTextArray = 1009,
  kBpcharArray = 1014,
  kVarcharArray = 1015,
  kInt8Array = 1016,
  kNumericArray = 1231,
};

// range-bound-kind's cases.
enum : uint32_t { kInclusive, kExclusive };

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's `days_from_civil` / `civil_from_days`).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = unsigned(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = unsigned(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = int64_t(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

unsigned u(const ComponentValue& v) { return unsigned(v.as_unsigned()); }

/// "2525-12-25", "0044-03-15 BC" for year -43 (year 0 is 1 BC).
std::string date_text(int64_t y, unsigned m, unsigned d) {
  if (y <= 0) return fmt::format("{:04}-{:02}-{:02} BC", 1 - y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}
std::string time_text(unsigned h, unsigned m, unsigned s, unsigned ns) {
  return fmt::format("{:02}:{:02}:{:02}.{:09}", h, m, s, ns);
}
/// A date-time in UTC: "+00" makes a timestamptz UTC; a timestamp ignores it.
std::string datetime_text(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                          unsigned ns) {
  std::string date = date_text(y, mo, d);
  std::string bc;
  if (y <= 0) {
    bc = " BC";
    date.resize(date.size() - 3);
  }
  return date + " " + time_text(h, mi, s, ns) + "+00" + bc;
}

/// `"text"` with `"` and `\` escaped, as an array element.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string range_text(const ComponentValue& range, bool quote_bounds) {
  const auto& bounds = range.items();
  std::string out;
  auto bound = [&](const ComponentValue& b, bool lower) {
    const auto& c = b.as_case();
    if (!c.payload) {
      out += lower ? "(" : ")";
      return;
    }
    const auto& pair = c.payload->items();
    bool inclusive = pair[1].as_case().index == kInclusive;
    std::string v = pair[0].kind == TypeKind::String ? pair[0].as_string()
                    : pair[0].kind == TypeKind::S32 || pair[0].kind == TypeKind::S64
                        ? std::to_string(pair[0].as_signed())
                        : std::string();
    if (quote_bounds) v = quoted(v);
    if (lower)
      out += (inclusive ? "[" : "(") + v;
    else
      out += v + (inclusive ? "]" : ")");
  };
  bound(bounds[0], true);
  out += ",";
  bound(bounds[1], false);
  return out;
}

std::string array_text(const ComponentValue& list, bool strings) {
  std::string out = "{";
  bool first = true;
  for (const ComponentValue& e : list.items()) {
    if (!first) out += ",";
    first = false;
    const auto& c = e.as_case();
    if (!c.payload)
      out += "NULL";
    else if (strings)
      out += quoted(c.payload->as_string());
    else if (c.payload->kind == TypeKind::String)
      out += c.payload->as_string();
    else
      out += std::to_string(c.payload->as_signed());
  }
  return out + "}";
}

ComponentValue tuple_of(std::vector<ComponentValue> items) { return val::tuple(std::move(items)); }

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Value unsupported(std::string_view text) { return {"unsupported", val::string(std::string(text))}; }

/// "HH:MM:SS[.ffffff]" into hours, minutes, seconds and nanoseconds.
bool parse_time(std::string_view s, unsigned& h, unsigned& m, unsigned& sec, unsigned& ns) {
  if (s.size() < 8 || s[2] != ':' || s[5] != ':') return false;
  auto hh = number<unsigned>(s.substr(0, 2)), mm = number<unsigned>(s.substr(3, 2)),
       ss = number<unsigned>(s.substr(6, 2));
  if (!hh || !mm || !ss) return false;
  h = *hh, m = *mm, sec = *ss, ns = 0;
  std::string_view frac = s.substr(8);
  if (!frac.empty()) {
    if (frac[0] != '.' || frac.size() > 10) return false;
    std::string digits(frac.substr(1));
    digits.resize(9, '0');
    auto f = number<unsigned>(digits);
    if (!f) return false;
    ns = *f;
  }
  return true;
}

/// "YYYY-MM-DD" (the year may have more digits), with " BC" already cut.
bool parse_date(std::string_view s, int64_t& y, unsigned& m, unsigned& d) {
  size_t dash = s.find('-', 1);
  if (dash == std::string_view::npos || s.size() != dash + 6) return false;
  auto yy = number<int64_t>(s.substr(0, dash));
  auto mm = number<unsigned>(s.substr(dash + 1, 2));
  auto dd = number<unsigned>(s.substr(dash + 4, 2));
  if (!yy || !mm || !dd) return false;
  y = *yy, m = *mm, d = *dd;
  return true;
}

bool cut_bc(std::string_view& s) {
  if (s.size() > 3 && s.substr(s.size() - 3) == " BC") {
    s.remove_suffix(3);
    return true;
  }
  return false;
}

Value decode_date(std::string_view s) {
  std::string_view t = s;
  bool bc = cut_bc(t);
  int64_t y;
  unsigned m, d;
  if (!parse_date(t, y, m, d)) return unsupported(s);
  if (bc) y = 1 - y;
  return {"date", tuple_of({val::s32(int32_t(y)), val::u8(uint8_t(m)), val::u8(uint8_t(d))})};
}

Value decode_time(std::string_view s) {
  unsigned h, m, sec, ns;
  if (!parse_time(s, h, m, sec, ns)) return unsupported(s);
  return {"time", tuple_of({val::u8(uint8_t(h)), val::u8(uint8_t(m)), val::u8(uint8_t(sec)),
                            val::u32(ns)})};
}

/// "YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]", in UTC.
Value decode_datetime(std::string_view s, bool with_zone) {
  std::string_view t = s;
  bool bc = cut_bc(t);
  size_t space = t.find(' ');
  if (space == std::string_view::npos) return unsupported(s);
  int64_t y;
  unsigned mo, d, h, mi, sec, ns;
  if (!parse_date(t.substr(0, space), y, mo, d)) return unsupported(s);
  std::string_view clock = t.substr(space + 1);
  int64_t offset = 0;  // seconds east of UTC
  if (with_zone) {
    size_t sign = clock.find_first_of("+-");
    if (sign == std::string_view::npos) return unsupported(s);
    std::string_view zone = clock.substr(sign + 1);
    int64_t parts[3] = {0, 0, 0};
    for (int i = 0; i < 3 && !zone.empty(); ++i) {
      auto p = number<int64_t>(zone.substr(0, 2));
      if (!p) return unsupported(s);
      parts[i] = *p;
      zone = zone.size() > 2 ? zone.substr(3) : std::string_view();
    }
    offset = (parts[0] * 3600 + parts[1] * 60 + parts[2]) * (clock[sign] == '-' ? -1 : 1);
    clock = clock.substr(0, sign);
  }
  if (!parse_time(clock, h, mi, sec, ns)) return unsupported(s);
  if (bc) y = 1 - y;
  if (offset) {
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rest = secs - days * 86400;
    civil_from_days(days, y, mo, d);
    h = unsigned(rest / 3600), mi = unsigned(rest / 60 % 60), sec = unsigned(rest % 60);
  }
  return {"datetime", tuple_of({val::s32(int32_t(y)), val::u8(uint8_t(mo)), val::u8(uint8_t(d)),
                                val::u8(uint8_t(h)), val::u8(uint8_t(mi)), val::u8(uint8_t(sec)),
                                val::u32(ns)})};
}

/// IntervalStyle postgres: "1 year 2 mons 3 days 04:05:06.7", "-1 days
/// +02:03:00", "00:00:00.123456".
Value decode_interval(std::string_view s) {
  int64_t months = 0, days = 0, micros = 0;
  std::string_view rest = s;
  auto next = [&]() {
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    size_t end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    return token;
  };
  for (std::string_view token = next(); !token.empty(); token = next()) {
    if (token.find(':') != std::string_view::npos) {
      bool negative = token[0] == '-';
      if (token[0] == '-' || token[0] == '+') token.remove_prefix(1);
      size_t c1 = token.find(':'), c2 = token.find(':', c1 + 1);
      if (c2 == std::string_view::npos) return unsupported(s);
      auto hh = number<int64_t>(token.substr(0, c1));
      auto mm = number<int64_t>(token.substr(c1 + 1, c2 - c1 - 1));
      std::string_view secs = token.substr(c2 + 1);
      size_t dot = secs.find('.');
      auto ss = number<int64_t>(secs.substr(0, dot));
      int64_t frac = 0;
      if (dot != std::string_view::npos) {
        std::string digits(secs.substr(dot + 1));
        if (digits.size() > 6) return unsupported(s);
        digits.resize(6, '0');
        auto f = number<int64_t>(digits);
        if (!f) return unsupported(s);
        frac = *f;
      }
      if (!hh || !mm || !ss) return unsupported(s);
      int64_t t = ((*hh * 60 + *mm) * 60 + *ss) * 1000000 + frac;
      micros += negative ? -t : t;
      continue;
    }
    auto n = number<int64_t>(token[0] == '+' ? token.substr(1) : token);
    std::string_view unit = next();
    if (!n) return unsupported(s);
    if (unit.rfind("year", 0) == 0)
      months += *n * 12;
    else if (unit.rfind("mon", 0) == 0)
      months += *n;
    else if (unit.rfind("day", 0) == 0)
      days += *n;
    else
      return unsupported(s);
  }
  return {"interval",
          val::record({val::s64(micros), val::s32(int32_t(days)), val::s32(int32_t(months))})};
}

/// A range's text ("[2,41)", "(,100)", "empty") as its two optional bounds.
Value decode_range(std::string_view s, const char* kind, TypeKind element) {
  auto bound_value = [&](std::string_view b) -> std::optional<ComponentValue> {
    if (!b.empty() && b.front() == '"') b = b.substr(1, b.size() - 2);
    if (element == TypeKind::String) return val::string(std::string(b));
    auto n = number<int64_t>(b);
    if (!n) return std::nullopt;
    return element == TypeKind::S32 ? val::s32(int32_t(*n)) : val::s64(*n);
  };
  if (s == "empty") return {kind, tuple_of({val::none(), val::none()})};
  if (s.size() < 3) return unsupported(s);
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) return unsupported(s);
  std::string_view lower = s.substr(1, comma - 1),
                   upper = s.substr(comma + 1, s.size() - comma - 2);
  std::vector<ComponentValue> bounds;
  for (auto [text, bracket] : {std::pair{lower, s.front()}, std::pair{upper, s.back()}}) {
    if (text.empty()) {
      bounds.push_back(val::none());
      continue;
    }
    auto v = bound_value(text);
    if (!v) return unsupported(s);
    bool inclusive = bracket == '[' || bracket == ']';
    bounds.push_back(
        val::some(tuple_of({*v, val::enum_case(inclusive ? kInclusive : kExclusive)})));
  }
  return {kind, tuple_of(std::move(bounds))};
}

/// A one-dimensional array's text ("{1,NULL,3}", "{hello,\"a b\"}").
Value decode_array(std::string_view s, const char* kind, TypeKind element) {
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') return unsupported(s);
  std::vector<ComponentValue> items;
  std::string_view body = s.substr(1, s.size() - 2);
  size_t i = 0;
  while (i < body.size()) {
    std::string item;
    bool was_quoted = false;
    if (body[i] == '{') return unsupported(s);  // more than one dimension
    if (body[i] == '"') {
      was_quoted = true;
      for (++i; i < body.size() && body[i] != '"'; ++i) {
        if (body[i] == '\\' && i + 1 < body.size()) ++i;
        item += body[i];
      }
      ++i;  // the closing quote
    } else {
      while (i < body.size() && body[i] != ',') item += body[i++];
    }
    if (i < body.size() && body[i] == ',') ++i;
    if (!was_quoted && (item == "NULL" || item == "null")) {
      items.push_back(val::none());
    } else if (element == TypeKind::String) {
      items.push_back(val::some(val::string(std::move(item))));
    } else {
      auto n = number<int64_t>(item);
      if (!n) return unsupported(s);
      items.push_back(val::some(element == TypeKind::S32 ? val::s32(int32_t(*n)) : val::s64(*n)));
    }
  }
  return {kind, val::list(std::move(items))};
}

}  // namespace

Param encode(std::string_view kind, const std::optional<ComponentValue>& payload) {
  Param p;
  if (kind == "db-null") return p;
  if (!payload) {
    p.error = DbError{"bad-parameter", "unsupported parameter type " + std::string(kind), {}};
    return p;
  }
  const ComponentValue& v = *payload;
  std::string& t = p.text.emplace();
  if (kind == "boolean")
    t = v.as_bool() ? "true" : "false";
  else if (kind == "int8" || kind == "int16" || kind == "int32" || kind == "int64")
    t = std::to_string(v.as_signed());
  else if (kind == "uint8" || kind == "uint16" || kind == "uint32" || kind == "uint64")
    t = std::to_string(v.as_unsigned());
  else if (kind == "floating32")
    t = fmt::format("{}", v.as_f32());
  else if (kind == "floating64")
    t = fmt::format("{}", v.as_f64());
  else if (kind == "str" || kind == "uuid" || kind == "decimal")
    t = v.as_string();
  else if (kind == "binary") {
    t = "\\x";
    for (uint8_t b : val::to_bytes(v)) t += fmt::format("{:02x}", b);
  } else if (kind == "jsonb") {
    auto b = val::to_bytes(v);
    t.assign(b.begin(), b.end());
  } else if (kind == "date") {
    const auto& d = v.items();
    t = date_text(d[0].as_signed(), u(d[1]), u(d[2]));
  } else if (kind == "time") {
    const auto& d = v.items();
    t = time_text(u(d[0]), u(d[1]), u(d[2]), u(d[3]));
  } else if (kind == "datetime") {
    const auto& d = v.items();
    t = datetime_text(d[0].as_signed(), u(d[1]), u(d[2]), u(d[3]), u(d[4]), u(d[5]), u(d[6]));
  } else if (kind == "timestamp") {
    int64_t secs = v.as_signed();
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rest = secs - days * 86400, y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    t = datetime_text(y, m, d, unsigned(rest / 3600), unsigned(rest / 60 % 60), unsigned(rest % 60),
                      0);
  } else if (kind == "interval") {
    const auto& f = v.items();  // micros, days, months
    t = fmt::format("{} months {} days {} microseconds", f[2].as_signed(), f[1].as_signed(),
                    f[0].as_signed());
  } else if (kind == "range-int32" || kind == "range-int64" || kind == "range-decimal")
    t = range_text(v, false);
  else if (kind == "array-int32" || kind == "array-int64" || kind == "array-decimal")
    t = array_text(v, false);
  else if (kind == "array-str")
    t = array_text(v, true);
  else {
    p.text.reset();
    p.error = DbError{"bad-parameter", "unsupported parameter type " + std::string(kind), {}};
  }
  return p;
}

Value decode(uint32_t oid, std::string_view s) {
  auto integer = [&](const char* kind, int bits) -> Value {
    auto n = number<int64_t>(s);
    if (!n) return unsupported(s);
    ComponentValue v = bits == 16   ? val::s16(int16_t(*n))
                       : bits == 32 ? val::s32(int32_t(*n))
                                    : val::s64(*n);
    return {kind, v};
  };
  switch (oid) {
    case kBool: return {"boolean", val::boolean(s == "t")};
    case kInt2: return integer("int16", 16);
    case kInt4: return integer("int32", 32);
    case kInt8: return integer("int64", 64);
    case kFloat4: return {"floating32", val::f32(std::strtof(std::string(s).c_str(), nullptr))};
    case kFloat8: return {"floating64", val::f64(std::strtod(std::string(s).c_str(), nullptr))};
    case kText:
    case kVarchar:
    case kBpchar:
    case kName: return {"str", val::string(std::string(s))};
    case kBytea:
      return {"binary", val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size())};
    case kDate: return decode_date(s);
    case kTime: return decode_time(s);
    case kTimestamp: return decode_datetime(s, false);
    case kTimestamptz: return decode_datetime(s, true);
    case kInterval: return decode_interval(s);
    case kUuid: return {"uuid", val::string(std::string(s))};
    case kJson:
    case kJsonb: return {"jsonb", val::bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size())};
    case kNumeric: return {"decimal", val::string(std::string(s))};
    case kInt4Range: return decode_range(s, "range-int32", TypeKind::S32);
    case kInt8Range: return decode_range(s, "range-int64", TypeKind::S64);
    case kNumRange: return decode_range(s, "range-decimal", TypeKind::String);
    case kInt4Array: return decode_array(s, "array-int32", TypeKind::S32);
    case kInt8Array: return decode_array(s, "array-int64", TypeKind::S64);
    case kNumericArray: return decode_array(s, "array-decimal", TypeKind::String);
    case kTextArray:
    case kVarcharArray:
    case kBpcharArray: return decode_array(s, "array-str", TypeKind::String);
    default: return unsupported(s);
  }
}

std::string type_kind(uint32_t oid) {
  switch (oid) {
    case kBool: return "boolean";
    case kInt2: return "int16";
    case kInt4: return "int32";
    case kInt8: return "int64";
    case kFloat4: return "floating32";
    case kFloat8: return "floating64";
    case kText:
    case kVarchar:
    case kBpchar:
    case kName: return "str";
    case kBytea: return "binary";
    case kDate: return "date";
    case kTime: return "time";
    case kTimestamp:
    case kTimestamptz: return "datetime";
    case kInterval: return "interval";
    case kUuid: return "uuid";
    case kJson:
    case kJsonb: return "jsonb";
    case kNumeric: return "decimal";
    case kInt4Range: return "range-int32";
    case kInt8Range: return "range-int64";
    case kNumRange: return "range-decimal";
    case kInt4Array: return "array-int32";
    case kInt8Array: return "array-int64";
    case kNumericArray: return "array-decimal";
    case kTextArray:
    case kVarcharArray:
    case kBpcharArray: return "array-str";
    default: return "other";
  }
}

std::string type_name(uint32_t oid) {
  switch (oid) {
    case kChar: return "char";
    case kOid: return "oid";
    case 1266: return "timetz";
    case 790: return "money";
    case 869: return "inet";
    case 650: return "cidr";
    case 142: return "xml";
    default: return "oid " + std::to_string(oid);
  }
}

}  // namespace flint::spinhost::postgres_text
