// Result<T>: a value or an Error, the return type of every fallible step
// (decode, validate, link, instantiate). C++20 has no std::expected, so this
// is the small subset of it Flint needs.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "flint/error.h"

namespace flint {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  Error& error() & { assert(!ok()); return std::get<1>(state_); }
  const Error& error() const& { assert(!ok()); return std::get<1>(state_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  Error& error() & { assert(failed_); return error_; }
  const Error& error() const& { assert(failed_); return error_; }
  Error&& error() && { assert(failed_); return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace flint

/// Propagates the error of a Result-returning expression.
#define FLINT_TRY(expr)                                   \
  do {                                                    \
    auto flint_try_result_ = (expr);                      \
    if (!flint_try_result_.ok())                          \
      return std::move(flint_try_result_).error();        \
  } while (0)

#define FLINT_CONCAT_INNER_(a, b) a##b
#define FLINT_CONCAT_(a, b) FLINT_CONCAT_INNER_(a, b)
/// `FLINT_ASSIGN(auto x, f());` declares x from the value of f() or returns its error.
#define FLINT_ASSIGN(decl, expr) FLINT_ASSIGN_IMPL_(FLINT_CONCAT_(flint_r_, __LINE__), decl, expr)
#define FLINT_ASSIGN_IMPL_(tmp, decl, expr)      \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).error();  \
  decl = std::move(tmp).value()
