// Spin's HTTP routing (Spin's spin-http `Router`, semantics as documented
// in "The Spin HTTP Trigger"): routes are exact paths (`/hello`), trailing
// wildcards (`/api/...`, and the legacy `/api/*`), and `:name` segments
// that match one path segment (`/users/:id`). When several routes match,
// the most specific wins, segment by segment: an exact segment beats a
// `:name` segment, which beats the wildcard; so exact routes beat
// wildcards and the longest wildcard prefix wins. A route written twice
// keeps its last trigger (Spin warns; so does `flint up`). Private routes
// are not routed at all.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::spin {

/// What a request path matched.
struct RouteMatch {
  size_t trigger = 0;           ///< index of the trigger in the router's input
  std::string raw_route;        ///< as written in the manifest ("/base/:x/...")
  std::string based_route;      ///< with the base ("/" in manifest version 2)
  std::string component_route;  ///< raw_route without a trailing "/..." ("/base/:x")
  std::string path_info;        ///< what the trailing wildcard matched ("/rest"), else ""
  std::vector<std::pair<std::string, std::string>> captures;  ///< `:name` -> segment
};

/// One route to build a router from.
struct RouteEntry {
  std::string route;       ///< as written in the manifest
  std::string trigger_id;  ///< for messages
};

/// A duplicate route: `replaced` is unreachable, `effective` serves it.
struct DuplicateRoute {
  std::string route;
  std::string replaced;
  std::string effective;
};

/// The app's routing table.
class Router {
 public:
  /// Builds the router; a malformed route (a `...` or `*` that is not last,
  /// an empty `:name`) is an error naming its trigger. Duplicates are
  /// reported in `duplicates` (the last one wins).
  static Result<Router> build(const std::vector<RouteEntry>& routes,
                              std::vector<DuplicateRoute>* duplicates = nullptr);

  /// The best route for `path` (no query), or nullopt: a 404.
  std::optional<RouteMatch> route(std::string_view path) const;

  /// The routes, in manifest order, as "RAW (wildcard)" for the start-up
  /// listing, with their trigger index.
  std::vector<std::pair<size_t, std::string>> listing() const;

 private:
  struct Segment {
    enum class Kind : uint8_t { Wildcard = 1, Param = 2, Exact = 3 } kind;
    std::string text;  ///< the exact text, or the parameter's name
  };
  struct Route {
    size_t trigger;
    std::string raw;
    std::vector<Segment> segments;  ///< a Wildcard only last
  };
  std::vector<Route> routes_;
};

}  // namespace flint::spin
