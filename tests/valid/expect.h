// Assertions shared by the validator tests.
#pragma once

#include <gtest/gtest.h>

#include "module_builder.h"
#include "valid/validator.h"

namespace flint::test {

inline ::testing::AssertionResult is_valid(ModuleBuilder& b, const Features& features = {}) {
  Status s = validate(b.module(), features);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "rejected: " << s.error().describe();
}

/// The module must be rejected with `code`; returns the error for further checks.
inline ::testing::AssertionResult is_invalid(ModuleBuilder& b, ErrorCode code,
                                             const Features& features = {}) {
  Status s = validate(b.module(), features);
  if (s.ok())
    return ::testing::AssertionFailure() << "accepted, expected \"" << spec_text(code) << "\"";
  if (s.error().code != code) {
    return ::testing::AssertionFailure()
           << "expected \"" << spec_text(code) << "\", got " << s.error().describe();
  }
  return ::testing::AssertionSuccess();
}

inline Error error_of(ModuleBuilder& b) {
  Status s = validate(b.module());
  EXPECT_FALSE(s.ok());
  return s.ok() ? Error{} : s.error();
}

}  // namespace flint::test
