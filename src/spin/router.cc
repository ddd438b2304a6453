// Spin's route matching: see router.h.
#include "spin/router.h"

#include <fmt/format.h>

#include <algorithm>

namespace flint::spin {

namespace {

/// The path's segments: "/a/b/" -> {"a", "b", ""}; "/" -> {""}; "" -> {}.
std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path[0] == '/')
    path.remove_prefix(1);
  else if (path.empty())
    return out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

Result<Router> Router::build(const std::vector<RouteEntry>& entries,
                             std::vector<DuplicateRoute>* duplicates) {
  Router router;
  for (size_t i = 0; i < entries.size(); ++i) {
    const RouteEntry& e = entries[i];
    std::string route = e.route;
    if (route.empty() || route[0] != '/') route.insert(route.begin(), '/');
    // One trailing slash is not significant ("/foo/" is "/foo"), as Spin sanitises.
    if (route.size() > 1 && route.back() == '/') route.pop_back();
    Route r{i, e.route, {}};
    std::vector<std::string_view> parts = split(route);
    if (route == "/") parts.clear();
    for (size_t k = 0; k < parts.size(); ++k) {
      std::string_view part = parts[k];
      bool last = k + 1 == parts.size();
      if (part == "..." || part == "*") {
        if (!last)
          return make_error(ErrorCode::Usage,
                            fmt::format("trigger `{}`: route `{}`: `{}` must be the last segment",
                                        e.trigger_id, e.route, part));
        r.segments.push_back({Segment::Kind::Wildcard, ""});
      } else if (!part.empty() && part[0] == ':') {
        if (part.size() == 1)
          return make_error(ErrorCode::Usage, fmt::format("trigger `{}`: route `{}`: a `:` "
                                                          "segment needs a name",
                                                          e.trigger_id, e.route));
        r.segments.push_back({Segment::Kind::Param, std::string(part.substr(1))});
      } else {
        r.segments.push_back({Segment::Kind::Exact, std::string(part)});
      }
    }
    // The same pattern again replaces the earlier one (Spin: last wins).
    for (auto it = router.routes_.begin(); it != router.routes_.end(); ++it) {
      bool same = it->segments.size() == r.segments.size();
      for (size_t k = 0; same && k < r.segments.size(); ++k)
        same = it->segments[k].kind == r.segments[k].kind &&
               (it->segments[k].kind == Segment::Kind::Param ||
                it->segments[k].text == r.segments[k].text);
      if (same) {
        if (duplicates)
          duplicates->push_back({e.route, entries[it->trigger].trigger_id, e.trigger_id});
        router.routes_.erase(it);
        break;
      }
    }
    router.routes_.push_back(std::move(r));
  }
  return router;
}

std::optional<RouteMatch> Router::route(std::string_view path) const {
  // A wildcard sees every segment, a trailing empty one included (it keeps
  // a trailing slash in path_info); an exact route ignores a trailing slash.
  std::vector<std::string_view> parts = split(path);
  std::vector<std::string_view> exact_parts = parts;
  if (!exact_parts.empty() && exact_parts.back().empty()) exact_parts.pop_back();

  const Route* best = nullptr;
  size_t best_consumed = 0;
  for (const Route& r : routes_) {
    bool wildcard = !r.segments.empty() && r.segments.back().kind == Segment::Kind::Wildcard;
    size_t fixed = r.segments.size() - (wildcard ? 1 : 0);
    const std::vector<std::string_view>& p = wildcard ? parts : exact_parts;
    if (wildcard ? p.size() < fixed : p.size() != fixed) continue;
    // A wildcard after fixed segments needs the path to go on past them or
    // end there ("/foo/..." matches "/foo" and "/foo/x", not "/foobar").
    bool ok = true;
    for (size_t k = 0; ok && k < fixed; ++k) {
      const Segment& s = r.segments[k];
      if (s.kind == Segment::Kind::Exact)
        ok = s.text == p[k];
      else
        ok = !p[k].empty();  // a :name matches one non-empty segment
    }
    if (!ok) continue;
    if (!best) {
      best = &r;
      best_consumed = fixed;
      continue;
    }
    // More specific: compare segment kinds in order; at the first
    // difference the stronger kind wins; when one is a prefix of the other
    // the longer wins.
    const auto& a = r.segments;
    const auto& b = best->segments;
    int cmp = 0;
    for (size_t k = 0; cmp == 0 && k < std::max(a.size(), b.size()); ++k) {
      int ka = k < a.size() ? int(a[k].kind) : 0;
      int kb = k < b.size() ? int(b[k].kind) : 0;
      cmp = (ka > kb) - (ka < kb);
    }
    if (cmp > 0) {
      best = &r;
      best_consumed = fixed;
    }
  }
  if (!best) return std::nullopt;

  RouteMatch m;
  m.trigger = best->trigger;
  m.raw_route = best->raw;
  m.based_route = best->raw;
  bool wildcard = !best->segments.empty() && best->segments.back().kind == Segment::Kind::Wildcard;
  m.component_route = best->raw;
  for (std::string_view suffix : {"/...", "/*"})
    if (wildcard && m.component_route.size() >= suffix.size() &&
        m.component_route.compare(m.component_route.size() - suffix.size(), suffix.size(),
                                  suffix) == 0) {
      m.component_route.resize(m.component_route.size() - suffix.size());
      break;
    }
  for (size_t k = 0; k < best_consumed; ++k)
    if (best->segments[k].kind == Segment::Kind::Param)
      m.captures.emplace_back(best->segments[k].text, std::string(parts[k]));
  if (wildcard) {
    // Everything after the fixed segments, with its leading slash; Spin
    // keeps a trailing slash ("/foo/" under "/foo/..." is "/").
    std::string info;
    for (size_t k = best_consumed; k < parts.size(); ++k) {
      info += '/';
      info += parts[k];
    }
    m.path_info = info;
  }
  return m;
}

std::vector<std::pair<size_t, std::string>> Router::listing() const {
  std::vector<std::pair<size_t, std::string>> out;
  for (const Route& r : routes_) {
    bool wildcard = !r.segments.empty() && r.segments.back().kind == Segment::Kind::Wildcard;
    std::string shown;
    for (size_t k = 0; k + (wildcard ? 1 : 0) < r.segments.size(); ++k)
      shown += std::string("/") + (r.segments[k].kind == Segment::Kind::Param ? ":" : "") +
               r.segments[k].text;
    if (shown.empty() && !wildcard) shown = "/";
    out.emplace_back(r.trigger, wildcard ? shown + " (wildcard)" : shown);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace flint::spin
