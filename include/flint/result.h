// Result<T>: a value or an Error, the return type of every fallible step
// (decode, validate, link, instantiate). C++20 has no std::expected, so this
// is the small subset of it Flint needs.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "flint/error.h"

namespace flint {

/// A T or an Error. value() and error() assert which one it holds.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      ///< success
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  ///< failure

  /// Whether it holds a value.
  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  /// The value (ok() only); operator* and operator-> reach it too.
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error (!ok() only).
  Error& error() & {
    assert(!ok());
    return std::get<1>(state_);
  }
  const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

/// Success, or an Error: what a step with no value returns (Status).
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;                                               ///< success
  Result(Error error) : error_(std::move(error)), failed_(true) {}  ///< failure

  /// Whether the step succeeded.
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  /// The error (!ok() only).
  Error& error() & {
    assert(failed_);
    return error_;
  }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

/// The result of a step that returns nothing but may fail.
using Status = Result<void>;

}  // namespace flint

/// Propagates the error of a Result-returning expression.
#define FLINT_TRY(expr)                                                       \
  do {                                                                        \
    auto flint_try_result_ = (expr);                                          \
    if (!flint_try_result_.ok()) return std::move(flint_try_result_).error(); \
  } while (0)

#define FLINT_CONCAT_INNER_(a, b) a##b
#define FLINT_CONCAT_(a, b) FLINT_CONCAT_INNER_(a, b)
/// `FLINT_ASSIGN(auto x, f());` declares x from the value of f() or returns its error.
#define FLINT_ASSIGN(decl, expr) FLINT_ASSIGN_IMPL_(FLINT_CONCAT_(flint_r_, __LINE__), decl, expr)
#define FLINT_ASSIGN_IMPL_(tmp, decl, expr)     \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
